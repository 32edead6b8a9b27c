import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every value correctable, history kept, one bad file never blocks the case (issue 15).
@Suite("Analysis runs, criteria changes, unreadable documents")
struct AnalysisHistoryTests {
    static func analysed(_ client: any TestClientProtocol) async throws -> (id: String, analysis: [String: Any]) {
        let id = try await AnalysisTests.fixtureCase(client)
        let response = try await client.send(.post, "/api/analyze/\(id)")
        guard response.status == .ok else { throw TestSetupError("analyze: \(response.text)") }
        return (id, try response.object())
    }

    static func criteria(_ analysis: [String: Any]) -> [[String: Any]] { analysis["criteria"] as? [[String: Any]] ?? [] }

    @Test("every run is kept: listed newest first, each readable as the machine read it, corrections not mixed in")
    func runs() async throws {
        try await withTestApp { client, _ in
            let (id, first) = try await Self.analysed(client)
            #expect(first["run"] as? Int == 1)
            let offers = try #require(first["offers"] as? [[String: Any]])
            let key = try #require(offers.first?["supplier_key"] as? String)
            let path = "/api/cases/\(id)/offers/\(key.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)"
            #expect(try await client.send(.patch, path, json: #"{"field":"delivery_days","value":12,"reason":"Lettre du 4/11"}"#).status == .ok)
            let second = try await client.send(.post, "/api/analyze/\(id)").object()
            #expect(second["run"] as? Int == 2)
            let list = try await client.send(.get, "/api/cases/\(id)/analysis/runs").object()
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["run"] as? Int } == [2, 1])
            #expect(items.last?["criteria"] as? Int == Self.criteria(first).count)
            #expect((items.last?["suppliers"] as? [String])?.count == offers.count)
            let one = try await client.send(.get, "/api/cases/\(id)/analysis/runs/1")
            #expect(one.status == .ok)
            let run = try one.object()
            #expect(run["run"] as? Int == 1 && run["run_at"] as? String == first["run_at"] as? String)
            let runOffers = try #require(run["offers"] as? [[String: Any]])
            #expect(runOffers.allSatisfy { ($0["corrections"] as? [Any])?.isEmpty == true }, "a run is the machine's reading")
            #expect(Self.criteria(run).count == Self.criteria(first).count)
            #expect(try await client.send(.get, "/api/cases/\(id)/analysis/runs/3").status == .notFound)
            #expect(try await client.send(.get, "/api/cases/\(id)/analysis/runs/zéro").status == .notFound)
            #expect(try await client.send(.get, "/api/cases/\(UUID().uuidString)/analysis/runs").status == .notFound)
            let fresh = try #require(try await client.createCase()["id"] as? String)
            #expect((try await client.send(.get, "/api/cases/\(fresh)/analysis/runs").object()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("criteria: add, change and remove with a reason; each an event; they survive a re-analysis and show in the CBA")
    func criteriaEdits() async throws {
        try await withTestApp { client, _ in
            let (id, analysis) = try await Self.analysed(client)
            let before = Self.criteria(analysis)
            let target = try #require(before.first { $0["points"] is NSNumber })
            let targetID = try #require(target["id"] as? String)
            let removed = try #require(before.last?["id"] as? String)
            #expect(targetID != removed)

            let added = try await client.send(.post, "/api/cases/\(id)/criteria",
                                              json: #"{"label":"Service après-vente à Mopti","category":"technique","points":5,"eliminatory":false,"reason":"Addendum n°1 du 2/11"}"#)
            #expect(added.status == .created, "\(added.text)")
            let newOne = try #require(Self.criteria(try added.object()).first { $0["label"] as? String == "Service après-vente à Mopti" })
            #expect(newOne["source"] is NSNull)
            #expect((newOne["edit"] as? [String: Any])?["action"] as? String == "add")

            let changed = try await client.send(.patch, "/api/cases/\(id)/criteria/\(targetID)", json: #"{"points":25,"reason":"Erratum : 25 points et non 20"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let after = try #require(Self.criteria(try changed.object()).first { $0["id"] as? String == targetID })
            #expect((after["points"] as? NSNumber)?.intValue == 25)
            #expect(after["label"] as? String == target["label"] as? String)
            #expect((after["edit"] as? [String: Any])?["reason"] as? String == "Erratum : 25 points et non 20")

            let gone = try await client.execute(uri: "/api/cases/\(id)/criteria/\(removed)?reason=Ligne%20de%20titre%2C%20pas%20un%20crit%C3%A8re", method: .delete,
                                                headers: [:], body: nil)
            #expect(gone.status == .ok, "\(gone.text)")
            #expect(!Self.criteria(try gone.object()).contains { $0["id"] as? String == removed })

            // A re-analysis reads the DAO again; people's changes still apply.
            let again = try await client.send(.post, "/api/analyze/\(id)").object()
            let current = Self.criteria(again)
            #expect(current.contains { $0["label"] as? String == "Service après-vente à Mopti" })
            #expect((current.first { $0["id"] as? String == targetID }?["points"] as? NSNumber)?.intValue == 25)
            #expect(!current.contains { $0["id"] as? String == removed })
            #expect(current.count == before.count)

            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(events.filter { $0["type"] as? String == "criterion_changed" }.count == 3)
            let cba = try await client.execute(uri: "/api/download/\(id)/cba", method: .get, headers: [:], body: nil)
            let sheet = try Workbook(Data(buffer: cba.body)).grid("Critères").flatMap { $0 }
            #expect(sheet.contains { $0.contains("corrigé par anonymous") && $0.contains("Erratum : 25 points") })
            #expect(sheet.contains { $0.contains("ajouté par anonymous") && $0.contains("Addendum n°1") })
        }
    }

    @Test("criteria changes refuse bad input (422), unknown criteria (404), cases not analysed or decided (409)")
    func criteriaErrors() async throws {
        try await withTestApp { client, _ in
            let fresh = try #require(try await client.createCase()["id"] as? String)
            #expect(try await client.send(.post, "/api/cases/\(fresh)/criteria", json: #"{"label":"x","category":"technique","reason":"y"}"#).status == .conflict)
            let (id, analysis) = try await Self.analysed(client)
            let criterionID = try #require(Self.criteria(analysis).first?["id"] as? String)
            for body in [#"{"label":"x","category":"technique"}"#, #"{"category":"technique","reason":"y"}"#,
                         #"{"label":"x","category":"classement","reason":"y"}"#, #"{"label":"x","category":"technique","weight_percent":150,"reason":"y"}"#] {
                #expect(try await client.send(.post, "/api/cases/\(id)/criteria", json: body).status == .unprocessableContent, "\(body)")
            }
            #expect(try await client.send(.patch, "/api/cases/\(id)/criteria/\(criterionID)", json: #"{"reason":"rien"}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/api/cases/\(id)/criteria/\(UUID().uuidString)", json: #"{"points":1,"reason":"y"}"#).status == .notFound)
            #expect(try await client.send(.delete, "/api/cases/\(id)/criteria/\(criterionID)").status == .unprocessableContent, "a reason is required")
            let supplier = try #require(((analysis["offers"] as? [[String: Any]])?.first?["supplier"] as? [String: Any])?["value"] as? String)
            #expect(try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": supplier, "decision_reason": "Conforme"]).status == .ok)
            #expect(try await client.send(.patch, "/api/cases/\(id)/criteria/\(criterionID)", json: #"{"points":1,"reason":"y"}"#).status == .conflict)
        }
    }

    @Test("an unreadable file is reported in documents[] and the others are analysed")
    func unreadableDocument() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            var offers = MultipartBody()
            offers.add(Data("%PDF-1.4\nceci n'est pas un PDF lisible\n%%EOF\n".utf8), filename: "offre_abimee.pdf")
            offers.add(try SharedFixtures.data("offre_finale_v2.docx"), filename: "offre_finale_v2.docx")
            #expect(try await client.upload(offers, case: id).status == .created)
            let response = try await client.send(.post, "/api/analyze/\(id)")
            #expect(response.status == .ok, "\(response.text)")
            let analysis = try response.object()
            let documents = try #require(analysis["documents"] as? [[String: Any]])
            let broken = try #require(documents.first { $0["filename"] as? String == "offre_abimee.pdf" })
            #expect(broken["status"] as? String == "unreadable" || broken["status"] as? String == "empty", "\(broken)")
            #expect((broken["reason"] as? String)?.isEmpty == false)
            #expect(documents.first { $0["filename"] as? String == "offre_finale_v2.docx" }?["status"] as? String == "read")
            #expect((analysis["offers"] as? [Any])?.isEmpty == false)
            #expect((analysis["warnings"] as? [String])?.contains { $0.contains("offre_abimee.pdf") } == true)
        }
    }
}
