import DMSCore
import Foundation
import Testing

/// The OCDS release of a case, built from hand-made case states: what it says, and what it never
/// says while offers are sealed.
@Suite("OCDS release builder")
struct OCDSReleaseTests {
    let caseID = UUID(uuidString: "0B6E3C9A-5D1F-4C2E-9A7B-3E8F1D2C4A5B")!
    let daoID = UUID(uuidString: "11111111-1111-4111-8111-111111111111")!
    let sahelID = UUID(uuidString: "22222222-2222-4222-8222-222222222222")!
    let koneID = UUID(uuidString: "33333333-3333-4333-8333-333333333333")!
    let publisher = OCDSPublisher(prefix: "ocds-abc123", organisationName: "Mairie de Mopti")
    let deadline = Timestamp(iso8601: "2026-12-01T10:00:00.000000+00:00")

    func at(_ minute: Int) -> Timestamp { Timestamp(iso8601: String(format: "2026-11-25T17:%02d:00.000000+00:00", minute)) }

    func event(_ seq: Int, _ type: EventType) -> Event {
        Event(seq: seq, type: type.rawValue, actor: "Awa", at: self.at(seq), prevHash: String(repeating: "\(seq - 1)", count: 64),
              hash: String(repeating: "\(seq)", count: 64), payload: .object([:]))
    }

    func document(_ id: UUID, _ kind: DocumentKind, _ name: String, minute: Int) -> Document {
        Document(id: id, caseID: self.caseID, kind: kind, filename: name, mediaType: kind == .dao ? .docx : .pdf, size: 1000,
                 sha256: String(repeating: "c", count: 64), uploadedBy: "Awa", uploadedAt: self.at(minute))
    }

    func procedure(openedAt: Timestamp?, budget: Budget? = Budget(amount: 15_000_000, currency: "XOF")) -> CaseProcedure {
        CaseProcedure(deadlineAt: self.deadline, timeZone: "Africa/Bamako", openingAt: Timestamp(iso8601: "2026-12-01T10:30:00.000000+00:00"),
                      budget: budget, openedAt: openedAt)
    }

    var sealedOffers: [SealedOffer] {
        [SealedOffer(id: UUID(), receivedAt: self.at(3), size: 2000, sealedSHA256: String(repeating: "d", count: 64), late: false, documentID: nil),
         SealedOffer(id: UUID(), receivedAt: self.at(4), size: 3000, sealedSHA256: String(repeating: "e", count: 64), late: true, documentID: nil)]
    }

    func detail(type: CaseType = .dao, procedure: CaseProcedure, sealed: [SealedOffer] = [], decision: Decision? = nil,
                extraEvents: [EventType] = []) -> CaseDetail {
        let record = Case(id: self.caseID, caseType: type, title: "Fourniture de ciment — Mopti", lot: "Lot 2", status: decision == nil ? .analyzed : .decided,
                          createdAt: self.at(1), updatedAt: self.at(1))
        var events = [self.event(1, .caseCreated), self.event(2, .documentUploaded), self.event(3, .analysisRun)]
        if decision != nil { events.append(self.event(4, .decisionRecorded)) }
        for type in extraEvents { events.append(self.event(events.count + 1, type)) }
        let documents = [self.document(self.daoID, .dao, "dossier_AO_2026-017.docx", minute: 2),
                         self.document(self.sahelID, .offer, "offre_finale_v2.pdf", minute: 5),
                         self.document(self.koneID, .offer, "scan_0004.pdf", minute: 6),
                         self.document(UUID(), .pvTemplate, "modele_pv.docx", minute: 2)]
        return CaseDetail(case: record, decision: decision, documents: documents, events: events, hasAnalysis: true, procedure: procedure,
                          sealedOffers: sealed)
    }

    func source(_ id: UUID) -> SourceRef { SourceRef(documentID: id, sha256: String(repeating: "c", count: 64), location: .page(1), snippet: "…") }

    var analysis: CaseAnalysis {
        let criteria = [
            Criterion(label: "Registre de commerce", category: .essentiel, points: nil, weightPercent: nil, eliminatory: true, source: self.source(self.daoID)),
            Criterion(label: "Prix", category: .commercial, points: 60, weightPercent: nil, eliminatory: false, source: self.source(self.daoID)),
            Criterion(label: "Délai de livraison", category: .technique, points: 15, weightPercent: nil, eliminatory: false, source: self.source(self.daoID)),
        ]
        let sahel = OfferFacts(supplier: Extracted("SAHEL BTP SARL", .high, self.source(self.sahelID)),
                               totalAmount: Extracted(Money(amount: 12_500_000, currency: "XOF", tax: .ttc), .high, self.source(self.sahelID)),
                               documentIDs: [self.sahelID])
        // Read at low confidence: never published as a value.
        let kone = OfferFacts(supplier: Extracted("Ets Koné & Fils", .high, self.source(self.koneID)),
                              totalAmount: Extracted(Money(amount: 11_200_000, currency: "XOF", tax: .ht), .low, self.source(self.koneID)),
                              documentIDs: [self.koneID])
        return CaseAnalysis(runAt: self.at(3), runBy: "Awa", inputs: [], warnings: [], criteria: criteria,
                            offers: [StoredOffer(key: "kone et fils", facts: kone, corrections: []), StoredOffer(key: "sahel btp", facts: sahel, corrections: [])])
    }

    func release(_ detail: CaseDetail, analysis: CaseAnalysis?) -> (OCDSRelease, [String: Any], String) {
        let release = OCDSRelease(detail: detail, analysis: analysis, publisher: self.publisher)
        let text = CanonicalJSON.string(release.json)
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (release, object, text)
    }

    static func object(_ value: Any?, _ path: String...) -> [String: Any]? {
        var current = value
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [String: Any]
    }

    @Test("sealed offers: the deadline and the budget are published, the count of sealed offers and nothing about who sent them")
    func sealed() throws {
        // Even with an analysis at hand, nothing of the offers may leak before the opening session.
        for analysis in [nil, self.analysis] {
            let (release, json, text) = self.release(self.detail(procedure: self.procedure(openedAt: nil), sealed: self.sealedOffers), analysis: analysis)
            let tender = try #require(Self.object(json, "tender"))
            #expect(Self.object(tender, "tenderPeriod")?["endDate"] as? String == self.deadline.iso8601)
            #expect(Self.object(tender, "value")?["amount"] as? Int == 15_000_000 && Self.object(tender, "value")?["currency"] as? String == "XOF")
            let documents = try #require(tender["documents"] as? [[String: Any]])
            #expect(documents.map { $0["id"] as? String } == [self.daoID.uuidString.lowercased()], "only the DAO")
            #expect(documents.first?["documentType"] as? String == "biddingDocuments")
            #expect(tender["tenderers"] == nil && tender["numberOfTenderers"] == nil)
            #expect((json["parties"] as? [[String: Any]])?.count == 1, "the buyer only")
            let statistics = try #require(Self.object(json, "bids")?["statistics"] as? [[String: Any]])
            #expect(statistics.count == 1 && statistics[0]["measure"] as? String == "bids" && statistics[0]["value"] as? Int == 2)
            #expect((statistics[0]["notes"] as? String)?.contains("dont 1 reçu après la date limite") == true)
            #expect(Self.object(json, "bids")?["details"] == nil)
            #expect(release.usesBidExtension)
            for leak in ["SAHEL", "Koné", "offre_finale_v2", "scan_0004", "12500000", "DMS-SUP", "DMS-BID", self.sahelID.uuidString.lowercased()] {
                #expect(!text.contains(leak), "« \(leak) » leaks while sealed (analysis: \(analysis != nil))")
            }
        }
    }

    @Test("opened offers: tenderers, offer documents and bids appear; a total read at low confidence is left out")
    func opened() throws {
        let (_, json, text) = self.release(self.detail(procedure: self.procedure(openedAt: Timestamp(iso8601: "2026-12-01T10:35:00.000000+00:00")),
                                                       sealed: self.sealedOffers), analysis: self.analysis)
        let tender = try #require(Self.object(json, "tender"))
        #expect(Self.object(tender, "tenderPeriod")?["endDate"] as? String == self.deadline.iso8601)
        let tenderers = try #require(tender["tenderers"] as? [[String: Any]])
        #expect(tenderers.map { $0["id"] as? String } == ["DMS-SUP-kone-et-fils", "DMS-SUP-sahel-btp"])
        #expect(tenderers.map { $0["name"] as? String } == ["Ets Koné & Fils", "SAHEL BTP SARL"])
        #expect(tender["numberOfTenderers"] as? Int == 2)
        #expect((tender["documents"] as? [[String: Any]])?.count == 3, "the DAO and both offers, not the PV template")
        let parties = try #require(json["parties"] as? [[String: Any]])
        #expect(parties.count == 3 && parties.dropFirst().allSatisfy { $0["roles"] as? [String] == ["tenderer"] })
        #expect(parties[0]["roles"] as? [String] == ["buyer", "procuringEntity"] && parties[0]["name"] as? String == "Mairie de Mopti")
        let bids = try #require(Self.object(json, "bids")?["details"] as? [[String: Any]])
        #expect(bids.map { $0["id"] as? String } == ["DMS-BID-kone-et-fils", "DMS-BID-sahel-btp"])
        #expect(bids[0]["value"] == nil, "Koné's total was read at low confidence")
        #expect(Self.object(bids[1], "value")?["amount"] as? Int == 12_500_000)
        #expect(bids[1]["date"] as? String == self.at(5).iso8601)
        #expect(json["awards"] == nil && json["tag"] as? [String] == ["tender"] && tender["status"] as? String == "active")
        #expect((tender["awardCriteriaDetails"] as? String)?.contains("- Prix (commercial) : 60 points") == true)
        #expect((tender["eligibilityCriteria"] as? String)?.contains("- Registre de commerce (essentiel)") == true)
        #expect(!text.contains("11200000"))
    }

    @Test("decided: one active award to the supplier the committee named (however spelt), its certain total, the reason")
    func decided() throws {
        let decision = Decision(chosenSupplier: "Sahel B.T.P.", decisionReason: "Offre conforme, délai 30 jours", nextAction: nil, decidedBy: "Comité",
                                decidedAt: self.at(4))
        let (release, json, text) = self.release(self.detail(procedure: .none, decision: decision), analysis: self.analysis)
        #expect(json["tag"] as? [String] == ["award"])
        #expect(Self.object(json, "tender")?["status"] as? String == "complete")
        let awards = try #require(json["awards"] as? [[String: Any]])
        #expect(awards.count == 1)
        let award = awards[0]
        #expect(award["status"] as? String == "active" && award["date"] as? String == self.at(4).iso8601)
        #expect(award["description"] as? String == "Offre conforme, délai 30 jours")
        #expect((award["suppliers"] as? [[String: Any]])?.map { $0["id"] as? String } == ["DMS-SUP-sahel-btp"])
        #expect(Self.object(award, "value")?["amount"] as? Int == 12_500_000 && Self.object(award, "value")?["currency"] as? String == "XOF")
        #expect(award["relatedBids"] as? [String] == ["DMS-BID-sahel-btp"])
        let sahel = (json["parties"] as? [[String: Any]])?.first { $0["id"] as? String == "DMS-SUP-sahel-btp" }
        #expect(sahel?["roles"] as? [String] == ["tenderer", "supplier"])
        #expect(Self.object(json, "tender")?["value"] == nil && Self.object(json, "tender")?["tenderPeriod"] == nil, "no procedure: no budget, no deadline")
        #expect(json["ocid"] as? String == "ocds-abc123-0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b")
        #expect(release.id == "ocds-abc123-0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b-" + String(repeating: "4", count: 64))
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        for word in ["rang", "score", "classement", "meilleur", "recommand"] {
            #expect(!folded.contains(word), "« \(word) »")
        }
    }

    @Test("a person's amount is published; a decision without a matching offer names its supplier without a value")
    func correctedAndUnmatched() throws {
        var analysis = self.analysis
        let kone = analysis.offers[0]
        let corrected = StoredOffer(key: kone.key, facts: kone.facts, corrections: [
            Correction(field: .totalAmount, value: .object(["amount": .number(11_250_000), "currency": .string("XOF")]), reason: "lu sur l'original",
                       correctedBy: "Awa", correctedAt: self.at(5)),
        ])
        analysis = CaseAnalysis(runAt: analysis.runAt, runBy: analysis.runBy, inputs: [], warnings: [], criteria: analysis.criteria,
                                offers: [corrected, analysis.offers[1]])
        let toKone = Decision(chosenSupplier: "ETS KONE ET FILS", decisionReason: "Conforme", nextAction: nil, decidedBy: "Comité", decidedAt: self.at(4))
        let (_, json, _) = self.release(self.detail(procedure: .none, decision: toKone), analysis: analysis)
        let award = try #require((json["awards"] as? [[String: Any]])?.first)
        #expect((award["suppliers"] as? [[String: Any]])?.first?["id"] as? String == "DMS-SUP-kone-et-fils")
        #expect(Self.object(award, "value")?["amount"] as? Int == 11_250_000)

        let elsewhere = Decision(chosenSupplier: "Quincaillerie du Fleuve", decisionReason: "Seule offre", nextAction: nil, decidedBy: "Comité",
                                 decidedAt: self.at(4))
        let (_, other, _) = self.release(self.detail(procedure: .none, decision: elsewhere), analysis: nil)
        let only = try #require((other["awards"] as? [[String: Any]])?.first)
        #expect((only["suppliers"] as? [[String: Any]])?.first?["id"] as? String == "DMS-SUP-quincaillerie-du-fleuve")
        #expect(only["value"] == nil && only["relatedBids"] == nil)
        #expect((other["parties"] as? [[String: Any]])?.last?["roles"] as? [String] == ["supplier"])
        #expect(other["bids"] == nil, "no analysis, no sealed offers: no count to give")
    }

    @Test("the release id and date follow the case's state; issuing a report is not a new state")
    func stableIdentity() {
        let base = OCDSRelease(detail: self.detail(procedure: .none), analysis: nil, publisher: self.publisher)
        let again = OCDSRelease(detail: self.detail(procedure: .none), analysis: nil, publisher: self.publisher)
        #expect(base == again && CanonicalJSON.string(base.json) == CanonicalJSON.string(again.json))
        let reported = OCDSRelease(detail: self.detail(procedure: .none, extraEvents: [.reportIssued]), analysis: nil, publisher: self.publisher)
        #expect(reported.id == base.id && reported.date == base.date)
        let changed = OCDSRelease(detail: self.detail(procedure: .none, extraEvents: [.criterionChanged]), analysis: nil, publisher: self.publisher)
        #expect(changed.id != base.id && changed.date == self.at(4))
    }

    @Test("DAO is an open procedure, RFQ a limited one")
    func methods() {
        for (type, method, details) in [(CaseType.dao, "open", "Dossier d'appel d'offres"), (.rfq, "limited", "Demande de cotation")] {
            let (_, json, _) = self.release(self.detail(type: type, procedure: .none), analysis: nil)
            #expect(Self.object(json, "tender")?["procurementMethod"] as? String == method)
            #expect(Self.object(json, "tender")?["procurementMethodDetails"] as? String == details)
        }
    }

    @Test("the package: version 1.1, the publisher, the newest release's date, the Bids extension only when used")
    func package() throws {
        let plain = OCDSRelease(detail: self.detail(procedure: .none), analysis: nil, publisher: self.publisher)
        let bids = OCDSRelease(detail: self.detail(procedure: .none, extraEvents: [.criterionChanged]), analysis: self.analysis, publisher: self.publisher)
        #expect(OCDSPackage.make([], uri: "http://localhost/x", publisher: self.publisher) == nil)
        let one = try #require(JSONSerialization.jsonObject(with: Data(CanonicalJSON.string(OCDSPackage.make(plain, uri: "http://localhost/x",
                                                                                                               publisher: self.publisher)).utf8)) as? [String: Any])
        #expect(one["version"] as? String == "1.1" && one["extensions"] == nil && one["publishedDate"] as? String == plain.date.iso8601)
        #expect(Self.object(one, "publisher")?["name"] as? String == "Mairie de Mopti")
        let both = try #require(OCDSPackage.make([plain, bids], uri: "http://localhost/x", publisher: self.publisher))
        let object = try #require(JSONSerialization.jsonObject(with: Data(CanonicalJSON.string(both).utf8)) as? [String: Any])
        #expect(object["publishedDate"] as? String == bids.date.iso8601)
        #expect(object["extensions"] as? [String] == [OCDSRelease.bidExtension])
        #expect((object["releases"] as? [Any])?.count == 2)
    }

    @Test("DMS_OCDS_PREFIX is ocds- and six lowercase letters or digits; the organisation's name is one line")
    func settings() {
        #expect(OCDSPublisher().problem == nil)
        for good in ["ocds-dms000", "ocds-a1b2c3", "ocds-zzzzzz"] { #expect(OCDSPublisher(prefix: good).problem == nil, "\(good)") }
        for bad in ["", "ocds-", "ocds-ABC123", "ocds-abc12", "ocds-abc1234", "OCDS-abc123", "ocds_abc123", "ocds-abc12é", "xocds-abc12"] {
            #expect(OCDSPublisher(prefix: bad).problem?.hasPrefix("DMS_OCDS_PREFIX") == true, "\(bad)")
        }
        for bad in ["", "  ", "Mairie\nde Mopti", String(repeating: "a", count: 201)] {
            #expect(OCDSPublisher(organisationName: bad).problem?.hasPrefix("DMS_ORGANISATION_NAME") == true)
        }
    }
}
