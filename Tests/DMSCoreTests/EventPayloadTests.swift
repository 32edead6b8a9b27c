import DMSCore
import Foundation
import Testing

/// The payloads hashed into the memory are pinned byte for byte: an API rename, a new column or a
/// refactor that changes one of them fails here before it can change what a chain proves.
@Suite("Event payloads (canonical, version 1)")
struct EventPayloadTests {
    let documentID = UUID(uuidString: "0B6E3C9A-5D1F-4C2E-9A7B-3E8F1D2C4A5B")!
    let sha = String(repeating: "ab", count: 32)

    @Test("case_created is pinned")
    func caseCreated() throws {
        let payload = EventPayload.caseCreated(try NewCase(caseType: "DAO", title: "Ciment « Ségou » / lot 2", lot: nil))
        #expect(payload.type.rawValue == "case_created")
        #expect(payload.json == #"{"case_type":"DAO","lot":null,"title":"Ciment « Ségou » / lot 2"}"#)
    }

    @Test("document_uploaded is pinned")
    func documentUploaded() {
        let payload = EventPayload.documentUploaded(id: self.documentID, kind: .offer, filename: "offre \"A\".pdf", mediaType: .pdf,
                                                    size: 1234, sha256: self.sha)
        #expect(payload.json == #"{"document_id":"0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b","filename":"offre \"A\".pdf","kind":"offer","# +
                #""media_type":"application/pdf","sha256":"\#(self.sha)","size":1234}"#)
    }

    @Test("decision_recorded is pinned, and its previous status key is fixed")
    func decisionRecorded() throws {
        let decision = try NewDecision(chosenSupplier: "SOGEMA SARL", decisionReason: "Offre conforme\net complète", nextAction: nil)
        #expect(EventPayload.decisionRecorded(decision).json
            == #"{"chosen_supplier":"SOGEMA SARL","decision_reason":"Offre conforme\net complète","next_action":null}"#)
        #expect(EventPayload.previousStatusKey == "previous_status")
    }

    @Test("offer_corrected is pinned")
    func offerCorrected() throws {
        let correction = try NewCorrection(field: "total_amount", value: .number(12_500_000), reason: "lu sur l'original")
        #expect(EventPayload.offerCorrected(supplierKey: "sogema", correction).json
            == #"{"field":"total_amount","reason":"lu sur l'original","supplier_key":"sogema","value":{"amount":12500000,"currency":"XOF"}}"#)
    }

    @Test("analysis_run is pinned")
    func analysisRun() {
        let input = AnalysisInput(documentID: self.documentID, kind: .dao, filename: "DAO.docx", sha256: self.sha)
        let result = AnalysisResult(inputs: [input], criteria: [], offers: [], warnings: ["aucune offre déposée"])
        #expect(EventPayload.analysisRun(result).json
            == #"{"criteria":0,"fields_in_manual_review":0,"inputs":[{"document_id":"0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b","# +
               #""filename":"DAO.docx","kind":"dao","sha256":"\#(self.sha)"}],"suppliers":[],"warnings":["aucune offre déposée"]}"#)
    }

    @Test("report_issued is pinned")
    func reportIssued() {
        let payload = EventPayload.reportIssued(kind: .pvAnalyse, version: 2, sha256: self.sha, size: 9000, filename: "PV-analyse-0b6e3c9a-v2.docx",
                                                memoryHead: String(repeating: "0", count: 64))
        #expect(payload.json == #"{"filename":"PV-analyse-0b6e3c9a-v2.docx","kind":"pv_analyse","memory_head":"\#(String(repeating: "0", count: 64))","# +
                #""sha256":"\#(self.sha)","size":9000,"version":2}"#)
    }

    @Test("canonical JSON escapes what RFC 8259 requires and sorts keys by bytes")
    func canonical() {
        let value = JSONValue.object(["b": .array([.bool(true), .null, .number(1.5)]), "a": .string("tab\there\u{1}"), "B": .number(-3)])
        #expect(CanonicalJSON.string(value) == #"{"B":-3,"a":"tab\there\u0001","b":[true,null,1.5]}"#)
    }
}
