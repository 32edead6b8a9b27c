import DMSApp
import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing

/// Accounts on (the default outside development mode): who may do what.
@Suite("Accounts, roles and tokens")
struct AuthTests {
    static func authOn(_ config: inout AppConfig) { config.auth = .on }

    enum Who: String, CaseIterable {
        case nobody, agent, comite, admin, revoked, expired, disabled
    }

    /// One account per role plus the three kinds of dead credential.
    static func principals(_ database: DatabaseConfig) async throws -> [Who: HTTPFields] {
        let agent = try await seedUser(database, email: "agent@dms.test", name: "Awa Agent", roles: ["agent"])
        let comite = try await seedUser(database, email: "comite@dms.test", name: "Moussa Comité", roles: ["comite"])
        let admin = try await seedUser(database, email: "admin@dms.test", name: "Aïssata Admin", roles: ["admin"])
        let revoked = try await seedUser(database, email: "revoked@dms.test", name: "R", roles: ["agent", "comite", "admin"])
        let expired = try await seedUser(database, email: "expired@dms.test", name: "E", roles: ["agent", "comite", "admin"])
        let disabled = try await seedUser(database, email: "Disabled@dms.test", name: "D", roles: ["agent", "comite", "admin"])
        try await TestDatabase.withConnection(database) { connection in
            try await connection.query("UPDATE api_tokens SET revoked_at = now() WHERE user_id = \(UUID(uuidString: revoked.id)!)", logger: TestDatabase.logger)
            try await connection.query("""
                UPDATE api_tokens SET created_at = now() - interval '3 days', expires_at = now() - interval '1 day'
                WHERE user_id = \(UUID(uuidString: expired.id)!)
                """, logger: TestDatabase.logger)
            try await connection.query("UPDATE users SET active = false WHERE lower(email) = 'disabled@dms.test'", logger: TestDatabase.logger)
        }
        return [.nobody: [:], .agent: agent.bearer, .comite: comite.bearer, .admin: admin.bearer,
                .revoked: revoked.bearer, .expired: expired.bearer, .disabled: disabled.bearer]
    }

    @Test("every endpoint × {no credentials, agent, comite, admin, revoked, expired, disabled}")
    func table() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let who = try await Self.principals(database)
            let agent = who[.agent]!
            // A case with the fixtures' offers, analysed, for the endpoints that need one.
            func analysedCase() async throws -> String {
                let created = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Ciment"}"#, headers: agent)
                let id = try #require(try created.object()["id"] as? String)
                return id
            }
            let dead: [Who] = [.nobody, .revoked, .expired, .disabled]
            let live: [Who] = [.agent, .comite, .admin]
            struct Row { let method: HTTPRequest.Method; let path: (String) -> String; let body: String?; let allowed: Set<Who>; let okStatus: HTTPResponse.Status }
            let rows: [Row] = [
                Row(method: .get, path: { _ in "/api/cases" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .get, path: { "/api/cases/\($0)" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .get, path: { _ in "/api/memory/search?q=ciment" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .get, path: { _ in "/api/me" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .get, path: { _ in "/api/tokens" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .post, path: { _ in "/api/cases" }, body: #"{"case_type":"RFQ","title":"Gasoil"}"#, allowed: [.agent], okStatus: .created),
                Row(method: .post, path: { "/api/analyze/\($0)" }, body: nil, allowed: [.agent], okStatus: .ok),
                Row(method: .post, path: { "/api/cases/\($0)/reports" }, body: #"{"kind":"pv_ouverture"}"#, allowed: [.agent], okStatus: .created),
                // Allowed roles reach the validation (an empty committee is refused); others are refused first.
                Row(method: .put, path: { "/api/cases/\($0)/committee" }, body: #"{"members":[]}"#, allowed: [.agent, .admin], okStatus: .unprocessableContent),
                Row(method: .get, path: { "/api/cases/\($0)/committee" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .get, path: { "/api/download/\($0)/cba" }, body: nil, allowed: Set(live), okStatus: .ok),
                Row(method: .post, path: { "/api/decide/\($0)" }, body: #"{"chosen_supplier":"Ets Diallo","decision_reason":"Conforme"}"#, allowed: [.comite], okStatus: .ok),
            ]
            for row in rows {
                for principal in Who.allCases {
                    let id = try await analysedCase()
                    var headers = who[principal]!
                    if row.body != nil { headers[.contentType] = "application/json" }
                    let response = try await client.execute(uri: row.path(id), method: row.method, headers: headers, body: row.body.map { ByteBuffer(string: $0) })
                    let label = "\(row.method) \(row.path("{id}")) as \(principal)"
                    if dead.contains(principal) {
                        #expect(response.status == .unauthorized, "\(label): \(response.status)")
                        #expect(response.errorCode == "unauthenticated", "\(label)")
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(label)")
                    } else if row.allowed.contains(principal) {
                        #expect(response.status == row.okStatus, "\(label): \(response.status) \(response.text)")
                    } else {
                        #expect(response.status == .forbidden, "\(label): \(response.status)")
                        #expect(response.errorCode == "forbidden", "\(label)")
                        let message = ((try? response.object())?["error"] as? [String: Any])?["message"] as? String ?? ""
                        #expect(row.allowed.contains { message.contains($0.rawValue) } || message.contains("agent"), "\(label) names the role: \(message)")
                    }
                }
            }
            // Public: health and the description, without credentials.
            #expect(try await client.send(.get, "/api/health").status == .ok)
            #expect(try await client.send(.get, "/api/openapi.json").status == .ok)
        }
    }

    @Test("events name the acting account (id and name), not a header")
    func eventsNameTheUser() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let agent = try await seedUser(database, email: "awa@dms.test", name: "Awa Traoré", roles: ["agent"])
            var headers = agent.bearer
            headers[HTTPField.Name("X-DMS-Actor")!] = "Quelqu'un d'autre"
            let created = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Ciment"}"#, headers: headers)
            #expect(created.status == .created)
            let id = try #require(try created.object()["id"] as? String)
            let detail = try await client.send(.get, "/api/cases/\(id)", headers: agent.bearer).object()
            let event = try #require((detail["events"] as? [[String: Any]])?.first)
            #expect(event["actor"] as? String == "Awa Traoré")
            let actorID = try await TestDatabase.withConnection(database) { connection in
                var found: UUID?
                for try await value in try await connection.query("SELECT actor_id FROM events WHERE case_id = \(UUID(uuidString: id)!)",
                                                                   logger: TestDatabase.logger).decode(UUID?.self) { found = value }
                return found
            }
            #expect(actorID?.uuidString.lowercased() == agent.id)
        }
    }

    @Test("tokens: created once with the secret, listed without it, revoked by their owner only")
    func tokens() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let awa = try await seedUser(database, email: "awa@dms.test", name: "Awa", roles: ["agent"])
            let moussa = try await seedUser(database, email: "moussa@dms.test", name: "Moussa", roles: ["comite"])
            // A token never mints another (a leaked one would outlive its revocation): a session does.
            let minted = try await client.send(.post, "/api/tokens", json: #"{"name":"x"}"#, headers: awa.bearer)
            #expect(minted.status == .forbidden && minted.errorCode == "session_required")
            let login = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"\#(awa.password)"}"#)
            let sessionCookie = String(try #require(login.headers[.setCookie]).prefix { $0 != ";" })
            let csrf = try #require(try login.object()["csrf_token"] as? String)
            let session: HTTPFields = [.cookie: sessionCookie, HTTPField.Name("X-CSRF-Token")!: csrf]
            let created = try await client.send(.post, "/api/tokens", json: #"{"name":"export nocturne","expires_in_days":30}"#, headers: session)
            #expect(created.status == .created)
            let body = try created.object()
            let token = try #require(body["token"] as? String)
            let tokenID = try #require(body["id"] as? String)
            #expect(token.hasPrefix("dms_") && token.count > 40)
            #expect((body["expires_at"] as? String)?.isEmpty == false)
            #expect(try await client.send(.get, "/api/me", headers: [.authorization: "Bearer \(token)"]).status == .ok)
            let listed = try await client.send(.get, "/api/tokens", headers: awa.bearer)
            #expect(!listed.text.contains(token))
            #expect((try listed.object()["items"] as? [Any])?.count == 2)
            #expect(try await client.send(.delete, "/api/tokens/\(tokenID)", headers: moussa.bearer).status == .notFound)
            #expect(try await client.send(.delete, "/api/tokens/\(tokenID)", headers: awa.bearer).status == .noContent)
            #expect(try await client.send(.get, "/api/me", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
            for bad in [#"{"name":""}"#, #"{"name":"x","expires_in_days":0}"#, #"{"name":"x","expires_in_days":99999}"#] {
                #expect(try await client.send(.post, "/api/tokens", json: bad, headers: session).status == .unprocessableContent, "\(bad)")
            }
            // Stored as a hash only.
            let stored = try await TestDatabase.integer(database, "SELECT count(*)::int FROM api_tokens WHERE token_hash = \(token)")
            #expect(stored == 0)
        }
    }

    @Test("sessions: sign in sets an HttpOnly SameSite cookie; cookie writes need the CSRF token; sign out ends it")
    func sessions() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let awa = try await seedUser(database, email: "awa@dms.test", name: "Awa", roles: ["agent"], bcryptCost: AppSettings().bcryptCost)
            let cost12 = try await TestDatabase.integer(database, "SELECT count(*)::int FROM users WHERE password_hash LIKE '$2b$12$%'")
            #expect(cost12 == 1, "the product hashes passwords with bcrypt cost 12")
            let login = try await client.send(.post, "/api/session", json: #"{"email":"AWA@dms.test","password":"\#(awa.password)"}"#)
            #expect(login.status == .ok, "\(login.text)")
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            let body = try login.object()
            let csrf = try #require(body["csrf_token"] as? String)
            #expect(((body["user"] as? [String: Any])?["roles"] as? [String]) == ["agent"])
            #expect(!login.text.contains(awa.password))
            let session = String(cookie.prefix { $0 != ";" })
            let me = try await client.send(.get, "/api/me", headers: [.cookie: session])
            let how = try me.object()["auth"] as? String
            #expect(me.status == .ok && how == "session")
            let withoutToken = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"x"}"#, headers: [.cookie: session])
            #expect(withoutToken.status == .forbidden && withoutToken.errorCode == "csrf_token_missing")
            let wrongToken = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"x"}"#,
                                                   headers: [.cookie: session, HTTPField.Name("X-CSRF-Token")!: String(csrf.reversed())])
            #expect(wrongToken.status == .forbidden)
            let withToken = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"x"}"#,
                                                  headers: [.cookie: session, HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(withToken.status == .created)
            let logout = try await client.send(.delete, "/api/session", headers: [.cookie: session])
            #expect(logout.status == .noContent && logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.send(.get, "/api/me", headers: [.cookie: session]).status == .unauthorized)
            // Behind a TLS proxy the cookie is Secure.
            let secure = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"\#(awa.password)"}"#,
                                               headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(secure.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test("five failed sign-ins within 15 minutes: 429 with Retry-After, even with the right password")
    func bruteForce() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let awa = try await seedUser(database, email: "awa@dms.test", name: "Awa", roles: ["agent"])
            for attempt in 1...5 {
                let response = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"faux \#(attempt)"}"#)
                #expect(response.status == .unauthorized && response.errorCode == "invalid_credentials")
            }
            let blocked = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"\#(awa.password)"}"#)
            #expect(blocked.status == .tooManyRequests && blocked.errorCode == "too_many_attempts")
            let retry = try #require(blocked.headers[.retryAfter].flatMap(Int.init))
            #expect((1...900).contains(retry))
            // Another e-mail from the same address is not locked out (behind a proxy every user shares the address);
            // an unknown e-mail is told exactly what a wrong password is told.
            let unknown = try await client.send(.post, "/api/session", json: #"{"email":"personne@dms.test","password":"x"}"#)
            #expect(unknown.status == .unauthorized && unknown.errorCode == "invalid_credentials")
            // Parallel guesses are counted too: 20 at once for a fresh e-mail leave at most 5 checked.
            let moussa = try await seedUser(database, email: "moussa@dms.test", name: "Moussa", roles: ["comite"])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for attempt in 0..<20 {
                    group.addTask { try await client.send(.post, "/api/session", json: #"{"email":"\#(moussa.email)","password":"faux \#(attempt)"}"#).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 15)
        }
    }

    @Test("passwords and tokens never appear in the logs")
    func secretsNotLogged() async throws {
        let recorder = LogRecorder()
        var logger = Logger(label: "dms-test") { _ in recorder }
        logger.logLevel = .trace
        try await TestDatabase.withFresh { database in
            let awa = try await seedUser(database, email: "awa@dms.test", name: "Awa", roles: ["agent"])
            try await runApp(on: database, configure: Self.authOn, logger: logger) { client in
                _ = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"\#(awa.password)"}"#)
                _ = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"le mauvais secret"}"#)
                let login = try await client.send(.post, "/api/session", json: #"{"email":"awa@dms.test","password":"\#(awa.password)"}"#)
                let cookie = String(try #require(login.headers[.setCookie]).prefix { $0 != ";" })
                let csrf = try #require(try login.object()["csrf_token"] as? String)
                let created = try await client.send(.post, "/api/tokens", json: #"{"name":"x"}"#,
                                                    headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf])
                let token = try #require(try created.object()["token"] as? String)
                _ = try await client.send(.get, "/api/cases", headers: [.authorization: "Bearer \(token)"])
                let logs = recorder.text
                #expect(logs.contains("request"), "the recorder saw the access log")
                for secret in [awa.password, "le mauvais secret", awa.token, token, String(cookie.split(separator: "=").last ?? "")] {
                    #expect(!logs.contains(secret), "a secret was logged")
                }
            }
        }
    }

    @Test("DMS_AUTH=off is refused with a database that is not on this machine")
    func developmentModeOnlyLocally() throws {
        let remote = try DatabaseConfig(url: "postgres://dms:x@db.example.org:5432/dms")
        #expect(throws: (any Error).self) { try AppConfig(database: remote, auth: .off).check() }
        #expect(throws: Never.self) { try AppConfig(database: remote, auth: .on).check() }
        #expect(throws: Never.self) { try AppConfig(database: try DatabaseConfig(url: "postgres://dms@127.0.0.1/dms"), auth: .off).check() }
        #expect(throws: (any Error).self, "development mode listens on this machine only") {
            try AppConfig(host: "0.0.0.0", database: try DatabaseConfig(url: "postgres://dms@127.0.0.1/dms"), auth: .off).check()
        }
    }
}

/// Collects every log line, message and metadata, as text.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        self.lock.withLock { self.lines.append("\(message) \(all)") }
    }

    var text: String { self.lock.withLock { self.lines.joined(separator: "\n") } }
}
