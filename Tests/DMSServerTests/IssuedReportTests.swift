import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Reads are safe; issued reports are records (SPEC invariant 5).
@Suite("Issued reports and safe downloads")
struct IssuedReportTests {
    static func eventCount(_ client: any TestClientProtocol, _ id: String) async throws -> Int {
        try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]]).count
    }

    @Test("GET and HEAD of the CBA and both PVs, ten times each, leave the case's events unchanged")
    func safeDownloads() async throws {
        try await withTestApp { client, _ in
            let (id, _) = try await ReportTests.analysed(client)
            let before = try await Self.eventCount(client, id)
            let paths = ["/api/download/\(id)/cba", "/api/download/\(id)/pv?type=ouverture", "/api/download/\(id)/pv?type=analyse&membres=Awa"]
            for _ in 0..<10 {
                for path in paths {
                    let get = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
                    #expect(get.status == .ok && get.body.readableBytes > 1000, "\(path)")
                    let head = try await client.execute(uri: path, method: .head, headers: [:], body: nil)
                    #expect(head.status == .ok && head.body.readableBytes == 0, "HEAD \(path)")
                    #expect(head.headers[.contentType] == get.headers[.contentType])
                    #expect(head.headers[.contentDisposition] == get.headers[.contentDisposition])
                }
            }
            #expect(try await Self.eventCount(client, id) == before)
            // HEAD of an unknown case is 404 too, and a PV HEAD still checks its type.
            #expect(try await client.execute(uri: "/api/download/\(UUID().uuidString)/cba", method: .head, headers: [:], body: nil).status == .notFound)
            #expect(try await client.execute(uri: "/api/download/\(id)/pv?type=x", method: .head, headers: [:], body: nil).status == .unprocessableContent)
        }
    }

    @Test("issuing the CBA twice: two versions, two report_issued events, each downloadable byte for byte, same hash for the same state")
    func issueTwice() async throws {
        try await withTestApp { client, _ in
            let (id, _) = try await ReportTests.analysed(client)
            var issued: [[String: Any]] = []
            for _ in 0..<2 {
                let response = try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"cba"}"#, headers: [HTTPField.Name("X-DMS-Actor")!: "Awa Traoré"])
                #expect(response.status == .created, "\(response.text)")
                #expect(response.headers[.location]?.hasPrefix("/api/reports/") == true)
                issued.append(try response.object())
            }
            #expect(issued.map { $0["version"] as? Int } == [1, 2])
            #expect(issued[0]["sha256"] as? String == issued[1]["sha256"] as? String, "same state, same bytes")
            #expect(issued[0]["memory_head"] as? String == issued[1]["memory_head"] as? String)
            #expect(issued[0]["issued_by"] as? String == "Awa Traoré")
            for report in issued {
                let reportID = try #require(report["id"] as? String)
                let response = try await client.execute(uri: "/api/reports/\(reportID)", method: .get, headers: [:], body: nil)
                #expect(response.status == .ok)
                let data = Data(buffer: response.body)
                #expect(SHA256Hex.of(data) == report["sha256"] as? String)
                #expect(data.count == report["size"] as? Int)
                #expect(response.headers[.eTag] == "\"\(report["sha256"] as? String ?? "")\"")
                let again = try await client.execute(uri: "/api/reports/\(reportID)", method: .get, headers: [.ifNoneMatch: response.headers[.eTag] ?? ""], body: nil)
                #expect(again.status == .notModified)
            }
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            let reportEvents = events.filter { $0["type"] as? String == "report_issued" }
            #expect(reportEvents.count == 2)
            for (event, report) in zip(reportEvents, issued) {
                let payload = try #require(event["payload"] as? [String: Any])
                #expect(payload["sha256"] as? String == report["sha256"] as? String)
                #expect(payload["version"] as? Int == report["version"] as? Int)
                #expect(payload["memory_head"] as? String == report["memory_head"] as? String)
                #expect(event["actor"] as? String == "Awa Traoré")
            }
            // The head a report describes is the analysis, not the report events after it.
            let analysisEvent = try #require(events.last { $0["type"] as? String == "analysis_run" })
            #expect(issued[0]["memory_head"] as? String == analysisEvent["hash"] as? String)

            let list = try await client.send(.get, "/api/cases/\(id)/reports").object()
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["version"] as? Int } == [2, 1], "newest first")

            // A change of state changes the bytes.
            #expect(try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": Self.firstSupplier(try await client.send(.get, "/api/cases/\(id)").object()), "decision_reason": "Conforme"]).status == .ok)
            let third = try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"cba"}"#).object()
            #expect(third["version"] as? Int == 3)
            #expect(third["sha256"] as? String != issued[0]["sha256"] as? String)
        }
    }

    static func firstSupplier(_ detail: [String: Any]) -> String {
        let offers = (detail["analysis"] as? [String: Any])?["offers"] as? [[String: Any]] ?? []
        return offers.compactMap { ($0["supplier"] as? [String: Any])?["value"] as? String }.first ?? ""
    }

    @Test("issuing refuses an unknown kind (422), an unknown case (404) and bad members (422); nothing is written")
    func issueErrors() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            for body in [#"{"kind":"classement"}"#, #"{}"#, #"{"kind":"cba","members":["\u0001"]}"#] {
                let response = try await client.send(.post, "/api/cases/\(id)/reports", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
            }
            #expect(try await client.send(.post, "/api/cases/\(UUID().uuidString)/reports", json: #"{"kind":"pv_analyse"}"#).status == .notFound)
            #expect(try await client.send(.get, "/api/cases/\(UUID().uuidString)/reports").status == .notFound)
            #expect(try await client.send(.get, "/api/reports/\(UUID().uuidString)").status == .notFound)
            #expect(try await client.send(.get, "/api/reports/pas-un-id").status == .notFound)
            #expect(try await Self.eventCount(client, id) == 1)
            let list = try await client.send(.get, "/api/cases/\(id)/reports").object()
            #expect((list["items"] as? [Any])?.isEmpty == true)
            // A case without analysis can still issue its (empty) PV.
            #expect(try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"pv_ouverture"}"#).status == .created)
        }
    }
}

@Suite("Small edges of the HTTP layer")
struct HTTPEdgeTests {
    @Test("a wrong method on a known path is 405 with Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.delete, "/api/cases")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD, POST")
            #expect(response.errorCode == "method_not_allowed")
            let one = try await client.send(.put, "/api/cases/\(UUID().uuidString)")
            #expect(one.status == .methodNotAllowed && one.headers[.allow] == "GET, HEAD, PATCH")
            #expect(try await client.send(.get, "/api/decide/\(UUID().uuidString)").headers[.allow] == "POST")
            #expect(try await client.send(.get, "/api/nothing-here").status == .notFound)
        }
    }

    @Test("a trailing comma is malformed JSON (400); commas inside strings are fine")
    func trailingComma() async throws {
        try await withTestApp { client, _ in
            for body in [#"{"case_type":"DAO","title":"x",}"#, "{\"case_type\":\"DAO\",\"title\":\"x\" ,\n }", #"{"case_type":"DAO","title":"x","lot":[1,]}"#] {
                let response = try await client.send(.post, "/api/cases", json: body)
                #expect(response.status == .badRequest && response.errorCode == "malformed_json", "\(body)")
            }
            #expect(try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"a,} b,]"}"#).status == .created)
        }
    }

    @Test("an impossible date is 422; a title of only invisible characters is 422")
    func impossibleInputs() async throws {
        try await withTestApp { client, _ in
            let search = try await client.send(.get, "/api/memory/search?q=ciment&from=2026-02-30")
            #expect(search.status == .unprocessableContent && search.errorField == "from")
            let title = try await client.send(.post, "/api/cases", json: "{\"case_type\":\"DAO\",\"title\":\"\u{200B}\u{200D}\"}")
            #expect(title.status == .unprocessableContent && title.errorField == "title")
        }
    }
}
