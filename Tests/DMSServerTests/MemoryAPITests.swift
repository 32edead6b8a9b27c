import DMSStore
import DMSTestSupport
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The memory over HTTP: head, search, export, similar cases")
struct MemoryAPITests {
    static func items(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.object()["items"] as? [[String: Any]])
    }

    @Test("the head endpoint and the verifier agree, and the head moves with every write")
    func head() async throws {
        try await withTestApp { client, config in
            let empty = try await client.send(.get, "/api/memory/head").object()
            #expect(empty["events"] as? Int == 0)
            let id = try #require(try await client.createCase(title: "Ciment")["id"] as? String)
            let first = try await client.send(.get, "/api/memory/head").object()
            try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
            let second = try await client.send(.get, "/api/memory/head").object()
            #expect(first["events"] as? Int == 1 && second["events"] as? Int == 2 && second["chains"] as? Int == 1)
            #expect(first["head"] as? String != second["head"] as? String)
            let report = try await withDatabase(config) { database in try await EventLog(database: database).verify(logger: TestDatabase.logger) }
            #expect(report.head == second["head"] as? String)
        }
    }

    @Test("search finds a case by an accent-less title word, a supplier from an offer, and a decision-reason word")
    func search() async throws {
        try await withTestApp { client, _ in
            let segou = try #require(try await client.createCase(title: "Fourniture de ciment — Ségou", lot: "Lot 1")["id"] as? String)
            _ = try await client.createCase(title: "Carburant pour groupes électrogènes", type: "RFQ")
            let body = MultipartBody(file: try SampleFiles.docx(["Raison sociale : Établissements Kanté & Frères", "Montant total TTC : 5 000 000 FCFA"]), filename: "o.docx")
            #expect(try await client.upload(body, case: segou).status == .created)
            try await client.send(.post, "/api/analyze/\(segou)")
            try await client.send(.post, "/api/decide/\(segou)", json: #"{"chosen_supplier":"Kanté & Frères","decision_reason":"Seule offre conforme après vérification du cautionnement"}"#)
            for word in ["segou", "SÉGOU", "kante", "cautionnement", "ciment segou"] {
                let hits = try Self.items(try await client.send(.get, "/api/memory/search?q=\(word.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)"))
                #expect(hits.map { $0["case_id"] as? String } == [segou], "\(word)")
                #expect((hits.first?["snippet"] as? String)?.contains("«") == true, "\(word) highlighted")
            }
            #expect(try Self.items(try await client.send(.get, "/api/memory/search?q=electrogene")).count == 1)
            #expect(try Self.items(try await client.send(.get, "/api/memory/search?q=ciment&case_type=RFQ")).isEmpty)
            #expect(try Self.items(try await client.send(.get, "/api/memory/search?q=introuvablezzz")).isEmpty)
            #expect(try Self.items(try await client.send(.get, "/api/memory/search?q=ciment&from=2000-01-01&to=2100-01-01")).count == 1)
            for bad in ["", "?q=", "?q=x&limit=0", "?q=x&from=hier", "?q=x&from=2026-13-45", "?q=x&case_type=AO", "?q=x&cursor=zz%21"] {
                #expect(try await client.send(.get, "/api/memory/search\(bad)").status == .unprocessableContent, "\(bad)")
            }
        }
    }

    @Test("search pages walk every hit once, by relevance then date")
    func searchPages() async throws {
        try await withTestApp { client, _ in
            for index in 0..<25 { _ = try await client.createCase(title: "Achat de ciment n° \(index)") }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/api/memory/search?q=ciment&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")).object()
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["case_id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && seen.count < 100
            #expect(seen.count == 25 && Set(seen).count == 25)
        }
    }

    @Test("the export re-verifies with the auditor's script, which catches a tampered line")
    func export() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Export « Ségou » 🇲🇱")["id"] as? String)
            try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
            _ = try await client.createCase(title: "Deuxième")
            let export = try await client.send(.get, "/api/memory/export")
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "application/x-ndjson; charset=utf-8")
            let lines = export.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            let head = try await client.send(.get, "/api/memory/head").object()["head"] as? String
            let (status, output) = try Self.runVerifier(lines.joined(separator: "\n") + "\n")
            #expect(status == 0, "\(output)")
            #expect(output.contains("OK 3 events, head \(head ?? "?")"))
            let tampered = lines[1].replacingOccurrences(of: "Conforme", with: "Conforme!")
            let (badStatus, badOutput) = try Self.runVerifier([lines[0], tampered, lines[2]].joined(separator: "\n") + "\n")
            #expect(badStatus == 1 && badOutput.contains("line 2"), "\(badOutput)")
            #expect(try await client.send(.get, "/api/memory/export?from=2999-01-01").text.isEmpty)
            #expect(try await client.send(.get, "/api/memory/export?from=nope").status == .unprocessableContent)
        }
    }

    @Test("similar past cases: decided ones with close words, facts only; unknown case 404")
    func similar() async throws {
        try await withTestApp { client, _ in
            let past = try #require(try await client.createCase(title: "Fourniture de ciment CPA 42.5 — Mopti")["id"] as? String)
            try await client.send(.post, "/api/decide/\(past)", json: #"{"chosen_supplier":"Sahel BTP","decision_reason":"Conforme"}"#)
            _ = try await client.createCase(title: "Fourniture de ciment pour Gao")  // not decided
            let other = try #require(try await client.createCase(title: "Location de véhicules")["id"] as? String)
            try await client.send(.post, "/api/decide/\(other)", json: #"{"chosen_supplier":"Ets B","decision_reason":"Conforme"}"#)
            let current = try #require(try await client.createCase(title: "Ciment pour écoles de Mopti")["id"] as? String)
            let similar = try Self.items(try await client.send(.get, "/api/cases/\(current)/similar"))
            #expect(similar.map { $0["case_id"] as? String } == [past])
            #expect(similar.first?["chosen_supplier"] as? String == "Sahel BTP")
            #expect(try await client.send(.get, "/api/cases/\(UUID().uuidString)/similar").status == .notFound)
        }
    }

    static func runVerifier(_ input: String) throws -> (Int32, String) {
        try runPythonScript("scripts/verify_export.py", input: input)
    }
}
