import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Cases API")
struct CaseAPITests {
    @Test("health reports the database, its version, encoding and TLS")
    func health() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.get, "/api/health")
            #expect(response.status == .ok)
            let body = try response.object()
            #expect(body["status"] as? String == "ok")
            #expect(body["database"] as? String == "ok")
            let postgres = try #require(body["postgres"] as? [String: Any])
            #expect(postgres["encoding"] as? String == "UTF8")
            #expect(postgres["tls"] as? Bool == false)
        }
    }

    @Test("creating a case answers 201 with the stored case and its location")
    func create() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.post, "/api/cases", json: #"{"case_type":"RFQ","title":"  Gasoil pour groupes  ","lot":"Lot 1"}"#)
            #expect(response.status == .created)
            let body = try response.object()
            let id = try #require(body["id"] as? String)
            #expect(response.headers[.location] == "/api/cases/\(id)")
            #expect(body["case_type"] as? String == "RFQ")
            #expect(body["title"] as? String == "Gasoil pour groupes")
            #expect(body["lot"] as? String == "Lot 1")
            #expect(body["status"] as? String == "open")
            let created = try #require(body["created_at"] as? String)
            #expect(created.hasSuffix("+00:00") && created.count == 32)
        }
    }

    @Test("a title with accents, quotes, dash and emoji round-trips byte for byte")
    func unicode() async throws {
        try await withTestApp { client, _ in
            let title = "Fourniture de ciment — Mopti/Ségou « lot 2 » 🇲🇱"
            let created = try await client.createCase(title: title)
            let id = try #require(created["id"] as? String)
            let read = try await client.send(.get, "/api/cases/\(id)")
            #expect(read.text.contains(#""title":"Fourniture de ciment — Mopti/Ségou « lot 2 » 🇲🇱""#))
            #expect(Array(try #require(read.object()["title"] as? String).utf8) == Array(title.utf8))
        }
    }

    @Test("a case reads back with no decision, its events and documents")
    func detail() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Ciment", lot: "Lot 3")["id"] as? String)
            let body = try await client.send(.get, "/api/cases/\(id)", headers: [:]).object()
            #expect(body["decision"] is NSNull)
            #expect((body["documents"] as? [Any])?.isEmpty == true)
            let events = try #require(body["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events[0]["type"] as? String == "case_created")
            #expect(events[0]["seq"] as? Int == 1)
            #expect(events[0]["prev_hash"] as? String == String(repeating: "0", count: 64))
            #expect((events[0]["payload"] as? [String: Any])?["lot"] as? String == "Lot 3")
        }
    }

    @Test("the actor header is recorded on the event")
    func actor() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Ciment"}"#,
                                                 headers: [HTTPField.Name("X-DMS-Actor")!: "Awa Traoré"])
            let id = try #require(try response.object()["id"] as? String)
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(events.first?["actor"] as? String == "Awa Traoré")
        }
    }

    @Test("a repeated or non-UTF-8 actor header is refused, not stored garbled")
    func badActor() async throws {
        try await withTestApp { client, config in
            var twice = HTTPFields()
            twice.append(HTTPField(name: HTTPField.Name("X-DMS-Actor")!, value: "a"))
            twice.append(HTTPField(name: HTTPField.Name("X-DMS-Actor")!, value: "b"))
            twice[.contentType] = "application/json"
            let response = try await client.execute(uri: "/api/cases", method: .post, headers: twice, body: ByteBuffer(string: #"{"case_type":"DAO","title":"x"}"#))
            #expect(response.status == .unprocessableContent && response.errorField == "X-DMS-Actor")
            let garbled = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"x"}"#,
                                                headers: [HTTPField.Name("X-DMS-Actor")!: "Fran\u{FFFD}ois"])
            #expect(garbled.status == .unprocessableContent)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("unknown and malformed case ids are 404", arguments: ["00000000-0000-0000-0000-000000000000", "xyz", "1", "..%2F..%2Fetc%2Fpasswd", "'%20OR%201=1--"])
    func notFound(id: String) async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.get, "/api/cases/\(id)")
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test("the list filters by status and type, newest first")
    func filters() async throws {
        try await withTestApp { client, _ in
            let dao = try #require(try await client.createCase(title: "A", type: "DAO")["id"] as? String)
            let rfq = try #require(try await client.createCase(title: "B", type: "RFQ")["id"] as? String)
            try await client.send(.post, "/api/decide/\(dao)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
            func ids(_ query: String) async throws -> [String] {
                let items = try #require(try await client.send(.get, "/api/cases\(query)").object()["items"] as? [[String: Any]])
                return items.compactMap { $0["id"] as? String }
            }
            #expect(try await ids("") == [rfq, dao])
            #expect(try await ids("?status=decided") == [dao])
            #expect(try await ids("?status=open") == [rfq])
            #expect(try await ids("?case_type=RFQ") == [rfq])
            #expect(try await ids("?case_type=DAO&status=open") == [])
            #expect(try await ids("?q=B") == [rfq])
            #expect(try await ids("?q=%25") == [])
        }
    }

    @Test("list parameters out of range are 422 naming the parameter", arguments: [
        ("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"), ("status=closed", "status"),
        ("case_type=AO", "case_type"), ("cursor=garbage!", "cursor"),
        // v1|9999-99-99T99:99:99+00|<uuid>: well-formed characters, impossible instant.
        ("cursor=djF8OTk5OS05OS05OVQ5OTo5OTo5OSswMHwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA", "cursor"),
    ])
    func badListParameters(query: String, field: String) async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.get, "/api/cases?\(query)")
            #expect(response.status == .unprocessableContent)
            #expect(response.errorField == field)
        }
    }
}
