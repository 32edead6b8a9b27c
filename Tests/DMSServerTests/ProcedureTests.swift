import DMSCore
import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 20: deadlines, offers sealed until the committee's opening session, late offers flagged.
@Suite("Procedure: deadlines, sealed offers, the opening session")
struct ProcedureTests {
    static func iso(_ offset: TimeInterval) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(offset))
    }

    static func patch(_ client: any TestClientProtocol, _ id: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.send(.patch, "/api/cases/\(id)", json: body, headers: headers)
    }

    @Test("PATCH sets the procedure; bad instants, zones, budgets and a budget above the RFQ threshold are 422")
    func settings() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Fournitures", type: "RFQ")["id"] as? String)
            for (body, field) in [(#"{"deadline_at":"2026-12-15T10:00:00"}"#, "deadline_at"), (#"{"deadline_at":"demain"}"#, "deadline_at"),
                                  (#"{"time_zone":"Mars/Olympus"}"#, "time_zone"), (#"{"budget":{"amount":-5,"currency":"XOF"}}"#, "budget.amount"),
                                  (#"{"budget":{"amount":5000,"currency":"fcfa"}}"#, "budget.currency"),
                                  (#"{"budget":{"amount":30000000,"currency":"XOF"}}"#, "budget.amount"),
                                  (#"{"deadline_at":"2026-12-15T10:00:00Z","opening_at":"2026-12-14T10:00:00Z"}"#, "opening_at")] {
                let response = try await Self.patch(client, id, body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.status) \(response.text)")
                #expect(response.errorField == field, "\(body): \(response.text)")
            }
            let threshold = try await Self.patch(client, id, #"{"budget":{"amount":30000000,"currency":"XOF"}}"#)
            #expect(threshold.errorCode == "threshold_requires" && threshold.text.contains("DAO"))
            let set = try await Self.patch(client, id, #"{"deadline_at":"2026-12-15T10:00:00Z","opening_at":"2026-12-15T10:30:00+00:00","time_zone":"Africa/Bamako","budget":{"amount":12500000,"currency":"XOF"}}"#)
            #expect(set.status == .ok, "\(set.text)")
            let procedure = try #require(try set.object()["procedure"] as? [String: Any])
            #expect((procedure["deadline_at"] as? String)?.hasPrefix("2026-12-15T10:00:00") == true)
            #expect((procedure["budget"] as? [String: Any])?["amount"] as? Double == 12_500_000)
            #expect(procedure["seals_offers"] as? Bool == true && procedure["opened_at"] is NSNull)
            let events = try #require(try set.object()["events"] as? [[String: Any]])
            #expect(events.last?["type"] as? String == "procedure_set")
            #expect(try await Self.patch(client, id, "{}").status == .unprocessableContent, "nothing to change")
        }
    }

    @Test("sealed until the opening: receipts only, bytes encrypted at rest, download and analysis 409; then the session opens them all")
    func sealedThenOpened() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase(title: "Ciment — Mopti")["id"] as? String)
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(3600))"}"#).status == .ok)
            let dao = try SharedFixtures.data("dossier_AO_2026-017.docx")
            #expect(try await client.upload(MultipartBody(file: dao, filename: "dossier_AO_2026-017.docx"), case: id, kind: "dao").status == .created,
                    "the DAO is the buyer's: never sealed")
            let onTime = try SharedFixtures.data("offre_finale_v2.docx")
            let sealed = try await client.upload(MultipartBody(file: onTime, filename: "offre_Ets_Diallo.docx"), case: id, kind: "offer")
            #expect(sealed.status == .created)
            #expect(!sealed.text.contains("Diallo") && !sealed.text.contains("offre_"), "a receipt names no supplier: \(sealed.text)")
            let receipt = try #require((try sealed.object()["sealed_offers"] as? [[String: Any]])?.first)
            let sealedID = try #require(receipt["id"] as? String)
            #expect(receipt["late"] as? Bool == false && receipt["document_id"] is NSNull)
            #expect((receipt["sealed_sha256"] as? String) != SHA256Hex.of(onTime))

            // At rest: the envelope is not the file, and holds no run of its bytes.
            try await TestDatabase.withConnection(config) { connection in
                let plain = try await connection.integer("""
                    SELECT count(*) FROM sealed_offers WHERE position(\(ByteBuffer(bytes: onTime.prefix(64))) IN envelope) > 0
                    """)
                #expect(plain == 0)
                let stored = try await connection.integer("SELECT count(*) FROM documents WHERE kind = 'offer'")
                #expect(stored == 0)
            }
            let download = try await client.execute(uri: "/api/documents/\(sealedID)", method: .get, headers: [:], body: nil)
            #expect(download.status == .conflict && download.errorCode == "offers_sealed", "\(download.text)")
            #expect(download.text.contains("plis non encore ouverts"))
            let analyse = try await client.send(.post, "/api/analyze/\(id)")
            #expect(analyse.status == .conflict && analyse.errorCode == "offers_sealed")
            let early = try await client.send(.post, "/api/cases/\(id)/opening", json: "{}")
            #expect(early.status == .unprocessableContent && early.errorCode == "deadline_not_passed", "\(early.text)")

            // The deadline passes (moved, as a committee may record it), then a late offer arrives: accepted, flagged.
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(-60))"}"#).status == .ok)
            let lateBytes = try SharedFixtures.data("document_recu_14h32.pdf")
            let late = try await client.upload(MultipartBody(file: lateBytes, filename: "retard.pdf"), case: id, kind: "offer")
            #expect(late.status == .created)
            #expect((try late.object()["sealed_offers"] as? [[String: Any]])?.first?["late"] as? Bool == true)

            let opening = try await client.send(.post, "/api/cases/\(id)/opening", json: #"{"members":["Moussa Keïta","Awa Traoré"]}"#)
            #expect(opening.status == .ok, "\(opening.text)")
            let result = try opening.object()
            let offers = try #require(result["offers"] as? [[String: Any]])
            #expect(offers.count == 2)
            #expect(Set(offers.compactMap { $0["sha256"] as? String }) == [SHA256Hex.of(onTime), SHA256Hex.of(lateBytes)], "the bytes as deposited")
            #expect(offers.first { $0["sealed_offer_id"] as? String == sealedID }?["sealed_sha256"] as? String == receipt["sealed_sha256"] as? String,
                    "the receipt's hash is unchanged")
            #expect(offers.filter { $0["late"] as? Bool == true }.map { $0["filename"] as? String } == ["retard.pdf"])
            let report = try #require(result["report"] as? [String: Any])
            #expect(report["kind"] as? String == "pv_ouverture" && report["version"] as? Int == 1)

            // Readable now, byte for byte; the analysis runs.
            let detail = try await client.send(.get, "/api/cases/\(id)").object()
            let documents = try #require(detail["documents"] as? [[String: Any]]).filter { $0["kind"] as? String == "offer" }
            #expect(documents.count == 2)
            #expect(documents.first { $0["filename"] as? String == "retard.pdf" }?["late"] as? Bool == true)
            let openedID = try #require(documents.first { $0["filename"] as? String == "offre_Ets_Diallo.docx" }?["id"] as? String)
            let body = try await client.execute(uri: "/api/documents/\(openedID)", method: .get, headers: [:], body: nil)
            #expect(Data(buffer: body.body) == onTime)
            #expect((detail["sealed_offers"] as? [[String: Any]])?.allSatisfy { $0["document_id"] is String } == true)
            #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok)
            let types = (detail["events"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(types.filter { $0 == "offer_sealed" }.count == 2 && types.contains("offers_opened"))

            // The PV d'ouverture lists every offer with its hash, the late one marked.
            let reportID = try #require(report["id"] as? String)
            let pv = try await client.execute(uri: "/api/reports/\(reportID)", method: .get, headers: [:], body: nil)
            let text = try WordDocument(Data(buffer: pv.body)).paragraphs.joined(separator: "\n")
            #expect(text.contains("offre_Ets_Diallo.docx") && text.contains("retard.pdf") && text.contains("hors délai"))
            #expect(text.contains(SHA256Hex.of(onTime)))

            // Once opened, the session is a fact.
            #expect(try await client.send(.post, "/api/cases/\(id)/opening", json: "{}").errorCode == "already_opened")
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(3600))"}"#).errorCode == "already_opened")
            // An offer after the opening is readable at once, and late.
            let after = try await client.upload(MultipartBody(file: try SharedFixtures.data("scan_0004.pdf"), filename: "apres.pdf"), case: id, kind: "offer")
            let afterLate = try after.object()["late"] as? Bool
            #expect(after.status == .created && afterLate == true, "\(after.text)")
            // The memory still verifies.
            let verified = try await withDatabase(config) { database in
                try await EventLog(database: database).verify(logger: TestDatabase.logger)
            }
            #expect(verified.firstBreak == nil)
        }
    }

    @Test("a case without a deadline keeps today's behaviour: offers readable at once, nothing to open")
    func noDeadline() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let offer = try await client.upload(MultipartBody(file: SampleFiles.pdf(), filename: "offre.pdf"), case: id, kind: "offer")
            let late = try offer.object()["late"] as? Bool
            #expect(offer.status == .created && late == false)
            #expect(try await client.send(.post, "/api/cases/\(id)/opening", json: "{}").errorCode == "not_sealed")
            #expect(try await client.send(.post, "/api/cases/\(UUID().uuidString)/opening", json: "{}").status == .notFound)
        }
    }

    @Test("the opening needs the committee's quorum, like the decision")
    func openingQuorum() async throws {
        try await withTestApp(configure: { $0.auth = .on }) { client, database in
            let crew = try await CommitteeTests.crew(database)
            let (id, _) = try await CommitteeTests.caseWithCommittee(client, crew)
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(-60))"}"#, headers: crew.agent.bearer).status == .ok)
            for member in [crew.president, crew.rapporteur, crew.membre] {
                #expect(try await CommitteeTests.declare(client, id, member).status == .ok)
            }
            let byAgent = try await client.send(.post, "/api/cases/\(id)/opening", json: "{}", headers: crew.agent.bearer)
            #expect(byAgent.status == .forbidden)
            let short = try await client.send(.post, "/api/cases/\(id)/opening", json: #"{"present":["\#(crew.president.id)"]}"#, headers: crew.president.bearer)
            #expect(short.status == .unprocessableContent, "\(short.text)")
            let ids = [crew.president, crew.rapporteur, crew.membre].map { "\"\($0.id)\"" }.joined(separator: ",")
            let opened = try await client.send(.post, "/api/cases/\(id)/opening", json: #"{"present":[\#(ids)]}"#, headers: crew.president.bearer)
            #expect(opened.status == .ok, "\(opened.text)")
        }
    }

    @Test("the seal key: the wrong key or none is refused at start when offers were sealed; cases keys open only with theirs")
    func sealKeyCheck() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(3600))"}"#).status == .ok)
            try await withDatabase(config) { database in
                try await SealKeyCheck.run(database, key: TestSealKey.key, logger: TestDatabase.logger)
                let other = try SealKey(base64: Data(repeating: 7, count: 32).base64EncodedString())
                await #expect(throws: ConfigError.self) { try await SealKeyCheck.run(database, key: other, logger: TestDatabase.logger) }
                await #expect(throws: ConfigError.self) { try await SealKeyCheck.run(database, key: nil, logger: TestDatabase.logger) }
            }
        }
        #expect(throws: SealKey.Failure.malformed) { try SealKey(base64: "trop court") }
        let key = TestSealKey.key
        let (caseKey, wrapped) = try key.newCaseKey(caseID: UUID())
        _ = caseKey
        #expect(throws: SealKey.Failure.cannotOpen) { try key.unwrap(wrapped, caseID: UUID()) }
    }

    @Test("as the acceptance says: a deadline, two offers (one late), a read refused, the session opens both, the PV is issued, the decision, and OCDS validates at each step")
    func acceptanceWithOCDS() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Fourniture de ciment et de fer à béton — Mopti", lot: "Lot 2")["id"] as? String)
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(3600))","budget":{"amount":40000000,"currency":"XOF"}}"#).status == .ok)
            #expect(try await client.upload(MultipartBody(file: try SharedFixtures.data("dossier_AO_2026-017.docx"), filename: "dossier_AO_2026-017.docx"),
                                            case: id, kind: "dao").status == .created)
            let first = try await client.upload(MultipartBody(file: try SharedFixtures.data("offre_finale_v2.docx"), filename: "offre_finale_v2.docx"), case: id, kind: "offer")
            let sealedID = try #require((try first.object()["sealed_offers"] as? [[String: Any]])?.first?["id"] as? String)
            let sealedPackage = try await OCDSTests.package(client, id)
            try OCDSTests.expectValid(sealedPackage.text, "sealed case")
            #expect(!sealedPackage.text.contains("offre_finale_v2"), "no sealed offer leaks into open data")
            #expect(try await Self.patch(client, id, #"{"deadline_at":"\#(Self.iso(-60))"}"#).status == .ok)
            #expect(try await client.upload(MultipartBody(file: try SharedFixtures.data("scan_0004.pdf"), filename: "scan_0004.pdf"), case: id, kind: "offer").status == .created)
            #expect(try await client.execute(uri: "/api/documents/\(sealedID)", method: .get, headers: [:], body: nil).status == .conflict)
            let opening = try await client.send(.post, "/api/cases/\(id)/opening", json: "{}")
            #expect(opening.status == .ok, "\(opening.text)")
            let offers = try #require(try opening.object()["offers"] as? [[String: Any]])
            #expect(offers.count == 2 && offers.filter { $0["late"] as? Bool == true }.count == 1)
            let openedPackage = try await OCDSTests.package(client, id)
            try OCDSTests.expectValid(openedPackage.text, "opened case")
            let analysis = try await client.send(.post, "/api/analyze/\(id)")
            #expect(analysis.status == .ok)
            let supplier = try #require((try analysis.object()["offers"] as? [[String: Any]])?.compactMap { AnalysisTests.value($0, "supplier") as? String }.first)
            let decided = try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": supplier, "decision_reason": "Offre conforme"])
            #expect(decided.status == .ok, "\(decided.text)")
            let decidedPackage = try await OCDSTests.package(client, id)
            try OCDSTests.expectValid(decidedPackage.text, "decided case")
            let release = try OCDSTests.release(decidedPackage.object)
            #expect((release["awards"] as? [[String: Any]])?.count == 1)
        }
    }
}
