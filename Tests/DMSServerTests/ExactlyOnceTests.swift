import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

/// Issue 21: writes that happen exactly once (Idempotency-Key), a deadline that tells the truth,
/// and rate limits.
@Suite("Writes exactly once, truthful deadlines, rate limits")
struct ExactlyOnceTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    static func countCases(_ config: DatabaseConfig, title: String) async throws -> Int {
        try await TestDatabase.integer(config, "SELECT count(*) FROM cases WHERE title = \(title)")
    }

    @Test("a create sent twice with one key makes one case and answers the same body; another body with that key is 422")
    func createTwice() async throws {
        try await withTestApp { client, config in
            let body = #"{"case_type":"DAO","title":"Ciment une seule fois"}"#
            let first = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "creation-0001"])
            let second = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "creation-0001"])
            #expect(first.status == .created && second.status == .created)
            #expect(first.body == second.body, "the stored answer, byte for byte")
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await Self.countCases(config, title: "Ciment une seule fois") == 1)
            let other = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Autre chose"}"#, headers: [Self.key: "creation-0001"])
            #expect(other.status == .unprocessableContent && other.errorCode == "idempotency_key_reused")
            #expect(try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "creation-0002"]).status == .created)
            #expect(try await Self.countCases(config, title: "Ciment une seule fois") == 2, "a new key is a new write")
            for bad in ["a b", String(repeating: "x", count: 256), "é"] {
                let refused = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: bad])
                #expect(refused.status == .unprocessableContent, "\(bad)")
            }
            // Keys are per caller: another actor's same key is another write.
            let actor = HTTPField.Name("X-DMS-Actor")!
            #expect(try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "creation-0001", actor: "Awa"]).status == .created)
            #expect(try await Self.countCases(config, title: "Ciment une seule fois") == 3)
        }
    }

    @Test("ten copies of one keyed create at once: one case; each answer is that case or « en cours »")
    func concurrentCopies() async throws {
        try await withTestApp { client, config in
            let body = #"{"case_type":"RFQ","title":"Gasoil en parallèle"}"#
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let response = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "parallele-1"])
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(try await Self.countCases(config, title: "Gasoil en parallèle") == 1)
            let created = statuses.filter { $0.0 == .created }
            #expect(!created.isEmpty && Set(created.map(\.1)).count == 1, "every 201 is the same case")
            #expect(statuses.allSatisfy { $0.0 == .created || $0.0 == .conflict }, "\(statuses.map(\.0))")
        }
    }

    @Test("an upload and a decision sent twice with their keys write once")
    func otherWrites() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            var upload = MultipartBody(file: SampleFiles.pdf(), filename: "offre.pdf")
            upload.add(SampleFiles.pdf("Offre B : montant 9 000 000 FCFA"), filename: "offre-b.pdf")
            var headers = upload.headers
            headers[Self.key] = "depot-1"
            for _ in 0..<2 {
                let response = try await client.execute(uri: "/api/upload/\(id)/offer", method: .post, headers: headers, body: upload.buffer)
                #expect(response.status == .created)
            }
            let events = try await TestDatabase.integer(config, "SELECT count(*) FROM events WHERE type = 'document_uploaded'")
            #expect(events == 2, "two files, one upload")
            // A report is issued from a read-only snapshot, then written: the key goes with the write.
            let issued = try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"pv_ouverture"}"#, headers: [Self.key: "pv-1"])
            let reissued = try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"pv_ouverture"}"#, headers: [Self.key: "pv-1"])
            #expect(issued.status == .created && reissued.status == .created && issued.body == reissued.body, "\(issued.text)")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM reports") == 1)
            let decide = #"{"chosen_supplier":"Ets Diallo","decision_reason":"Offre conforme"}"#
            let first = try await client.send(.post, "/api/decide/\(id)", json: decide, headers: [Self.key: "decision-1"])
            let again = try await client.send(.post, "/api/decide/\(id)", json: decide, headers: [Self.key: "decision-1"])
            #expect(first.status == .ok && again.status == .ok && first.body == again.body, "\(again.text)")
            #expect(try await client.send(.post, "/api/decide/\(id)", json: decide).status == .conflict, "without the key it is a second decision")
        }
    }

    @Test("a write blocked past the deadline answers 503 « rien n'a été enregistré », and the row never appears; the retry with its key writes once")
    func truthfulDeadline() async throws {
        try await withTestApp(configure: { $0.pool = PoolSettings(maximumConnections: 4, requestTimeout: .seconds(3)) }) { client, config in
            let id = try #require(try await client.createCase(title: "Déjà là")["id"] as? String)
            let body = #"{"case_type":"DAO","title":"Bloqué par un verrou"}"#
            try await TestDatabase.withConnection(config) { connection in
                try await connection.query("BEGIN", logger: TestDatabase.logger)
                try await connection.query("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE", logger: TestDatabase.logger)
                let blocked = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "verrou-1"])
                #expect(blocked.status == .serviceUnavailable && blocked.errorCode == "database_unavailable", "\(blocked.text)")
                #expect(blocked.text.contains("rien n'a été enregistré"))
                let decide = try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
                #expect(decide.status == .serviceUnavailable && decide.errorCode == "database_unavailable", "\(decide.text)")
                // Without a key a create is a single statement: its answer cannot promise anything.
                let unkeyed = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Sans clé"}"#)
                #expect(unkeyed.status == .serviceUnavailable && unkeyed.text.contains("état incertain"), "\(unkeyed.text)")
                try await connection.query("ROLLBACK", logger: TestDatabase.logger)
            }
            // The lock is gone: nothing of the timed-out transactions was written, then or later.
            #expect(try await Self.countCases(config, title: "Bloqué par un verrou") == 0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM decisions") == 0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM idempotency_keys WHERE key = 'verrou-1'") == 0)
            // A client retries with the same key until it gets an answer (a loaded machine may time out again).
            var retried = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "verrou-1"])
            for _ in 0..<3 where retried.status == .serviceUnavailable {
                retried = try await client.send(.post, "/api/cases", json: body, headers: [Self.key: "verrou-1"])
            }
            #expect(retried.status == .created)
            #expect(try await Self.countCases(config, title: "Bloqué par un verrou") == 1)
        }
    }

    @Test("past the write limit: 429 with Retry-After; reads and other callers go on; sign-ins have their own limit")
    func rateLimits() async throws {
        try await withTestApp(configure: { $0.rateLimitWritesPerMinute = 5; $0.rateLimitSignInsPerMinute = 3 }) { client, _ in
            for index in 0..<5 {
                #expect(try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Lot \#(index)"}"#).status == .created)
            }
            let limited = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Un de trop"}"#)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            let wait = Int(limited.headers[.retryAfter] ?? "") ?? 0
            #expect((1...60).contains(wait))
            #expect(try await client.send(.get, "/api/cases").status == .ok, "reads are not limited")
            let other = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Autre agent"}"#,
                                              headers: [HTTPField.Name("X-DMS-Actor")!: "Awa"])
            #expect(other.status == .created, "the limit is per caller")
            var codes: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                codes.append(try await client.send(.post, "/api/session", json: #"{"email":"x@dms.test","password":"mauvais mot de passe"}"#).status)
            }
            #expect(codes.last == .tooManyRequests && !codes.dropLast().contains(.tooManyRequests), "\(codes)")
        }
    }

    @Test("every web form carries its own key: the same form sent twice creates one case and redirects the same way")
    func webForms() async throws {
        try await withTestApp { client, config in
            let page = try await client.execute(uri: "/dossiers/nouveau", method: .get, headers: [:], body: nil)
            let html = String(buffer: page.body)
            let pattern = try Regex(#"name="_idempotency_key" value="([0-9a-f-]{36})""#)
            let keys = html.matches(of: pattern).map { String($0.output[1].substring ?? "") }
            #expect(!keys.isEmpty && Set(keys).count == keys.count, "one key per form: \(keys)")
            let key = try #require(keys.last)
            let form = "_csrf=dev&case_type=DAO&title=Formulaire+envoy%C3%A9+deux+fois&lot=&_idempotency_key=\(key)"
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let first = try await client.execute(uri: "/dossiers", method: .post, headers: headers, body: ByteBuffer(string: form))
            let second = try await client.execute(uri: "/dossiers", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(first.status == .seeOther && second.status == .seeOther, "\(first.status) \(second.status)")
            #expect(first.headers[.location] != nil && first.headers[.location] == second.headers[.location])
            #expect(try await Self.countCases(config, title: "Formulaire envoyé deux fois") == 1)
        }
    }
}
