import DMSTestSupport
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("The committee's decision")
struct DecideTests {
    let decision = #"{"chosen_supplier":"Ets Diallo & Fils","decision_reason":"Offre conforme, délai 15 jours","next_action":"Notifier le fournisseur"}"#

    @Test("create → list open → decide → list decided → decide again is 409")
    func lifecycle() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Ciment Mopti")["id"] as? String)
            func listedStatus() async throws -> String? {
                let items = try #require(try await client.send(.get, "/api/cases").object()["items"] as? [[String: Any]])
                return items.first { $0["id"] as? String == id }?["status"] as? String
            }
            #expect(try await listedStatus() == "open")
            let decided = try await client.send(.post, "/api/decide/\(id)", json: decision)
            #expect(decided.status == .ok)
            let body = try decided.object()
            #expect(body["status"] as? String == "decided")
            let stored = try #require(body["decision"] as? [String: Any])
            #expect(stored["chosen_supplier"] as? String == "Ets Diallo & Fils")
            #expect(stored["next_action"] as? String == "Notifier le fournisseur")
            #expect((body["events"] as? [[String: Any]])?.last?["type"] as? String == "decision_recorded")
            #expect(try await listedStatus() == "decided")
            let again = try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Autre","decision_reason":"Changement"}"#)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_decided")
            let after = try await client.send(.get, "/api/cases/\(id)").object()
            #expect((after["decision"] as? [String: Any])?["chosen_supplier"] as? String == "Ets Diallo & Fils")
        }
    }

    @Test("the older POST /api/decide with case_id in the body still works")
    func legacy() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let response = try await client.send(.post, "/api/decide", json: #"{"case_id":"\#(id)","chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
            #expect(response.status == .ok)
            #expect(try response.object()["status"] as? String == "decided")
            #expect(try await client.send(.post, "/api/decide", json: #"{"chosen_supplier":"Ets A","decision_reason":"x"}"#).errorField == "case_id")
            #expect(try await client.send(.post, "/api/decide", json: #"{"case_id":"nope","chosen_supplier":"Ets A","decision_reason":"x"}"#).status == .notFound)
        }
    }

    @Test("deciding an unknown case is 404 and stores nothing")
    func unknown() async throws {
        try await withTestApp { client, config in
            let response = try await client.send(.post, "/api/decide/\(UUID().uuidString)", json: decision)
            #expect(response.status == .notFound)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM decisions") == 0)
        }
    }

    @Test("an invalid decision is 422 naming the field and leaves the case open", arguments: [
        (#"{"decision_reason":"r"}"#, "chosen_supplier"),
        (#"{"chosen_supplier":"  ","decision_reason":"r"}"#, "chosen_supplier"),
        (#"{"chosen_supplier":"s"}"#, "decision_reason"),
        (#"{"chosen_supplier":"s","decision_reason":""}"#, "decision_reason"),
        (#"{"chosen_supplier":"s\u0000","decision_reason":"r"}"#, "chosen_supplier"),
        (#"{"chosen_supplier":1,"decision_reason":"r"}"#, "chosen_supplier"),
        (#"{"chosen_supplier":"s","decision_reason":"r","next_action":["x"]}"#, "next_action"),
    ])
    func invalid(body: String, field: String) async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let response = try await client.send(.post, "/api/decide/\(id)", json: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorField == field)
            #expect(try await client.send(.get, "/api/cases/\(id)").object()["status"] as? String == "open")
        }
    }

    @Test("twenty concurrent decides on one case: exactly one 200, nineteen 409, one decision, one event")
    func concurrent() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase(title: "Course")["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let response = try await client.send(.post, "/api/decide/\(id)",
                                                             json: #"{"chosen_supplier":"Fournisseur \#(index)","decision_reason":"Course \#(index)"}"#)
                        return (index, response.status.code)
                    }
                }
                return try await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
            }
            let winners = statuses.filter { $0.1 == 200 }
            #expect(winners.count == 1)
            #expect(statuses.filter { $0.1 == 409 }.count == 19)
            let winner = try #require(winners.first?.0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM decisions") == 1)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM events WHERE type = 'decision_recorded'") == 1)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM decisions WHERE chosen_supplier = \("Fournisseur \(winner)")") == 1)
        }
    }
}
