import DMSApp
import DMSServer
import DMSStore
import DMSCore
import Logging
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// The real application (real pool, real migrations) on a fresh database, driven through its router.
public func withTestApp(
    _ setup: TestingSetup = .router,
    configure: (inout AppConfig) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol, DatabaseConfig) async throws -> Void
) async throws {
    try await TestDatabase.withFresh { database in
        try await runApp(on: database, setup, configure: configure) { client in try await body(client, database) }
    }
}

/// The application on an existing database: call it twice on one database to restart the service.
public func runApp(
    on database: DatabaseConfig, _ setup: TestingSetup = .router,
    configure: (inout AppConfig) -> Void = { _ in }, logger: Logger? = nil,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    var config = testAppConfig(on: database)
    configure(&config)
    let app = try buildApplication(config, logger: logger ?? TestDatabase.logger)
    try await app.test(setup) { client in try await body(client) }
}

/// The configuration every test application starts from.
public func testAppConfig(on database: DatabaseConfig) -> AppConfig {
    // A generous deadline: tests run many apps in parallel on two cores. Outage tests set 4 s.
    // Development mode (no credentials) unless a test turns accounts on: the auth tests do.
    var config = AppConfig(host: "127.0.0.1", port: 0, database: database, pool: PoolSettings(maximumConnections: 4, requestTimeout: .seconds(15)),
                           auth: .off)
    config.checkpointSeconds = 0   // tests seal on purpose; a sealer would change reports under them
    config.sealKey = TestSealKey.key
    config.rateLimitWritesPerMinute = 0   // tests write fast from one caller; ExactlyOnceTests turn it on
    config.rateLimitSignInsPerMinute = 0
    return config
}

extension TestClientProtocol {
    /// Sends a JSON body (or raw text) with `Content-Type: application/json`.
    @discardableResult
    public func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @discardableResult
    public func send(_ method: HTTPRequest.Method, _ uri: String, object: [String: Any]) async throws -> TestResponse {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await self.send(method, uri, json: String(decoding: data, as: UTF8.self))
    }

    /// Creates a case and returns its JSON.
    public func createCase(title: String = "Fourniture de ciment", type: String = "DAO", lot: String? = nil) async throws -> [String: Any] {
        var object: [String: Any] = ["case_type": type, "title": title]
        if let lot { object["lot"] = lot }
        let response = try await self.send(.post, "/api/cases", object: object)
        guard response.status == .created else { throw TestSetupError("create failed: \(response.status) \(response.text)") }
        return try response.object()
    }
}

extension TestResponse {
    public var text: String { String(buffer: self.body) }

    public func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: self.body)) as? [String: Any] else {
            throw TestSetupError("not a JSON object: \(self.text)")
        }
        return object
    }

    /// `error.code` of an error response.
    public var errorCode: String? {
        ((try? self.object())?["error"] as? [String: Any])?["code"] as? String
    }

    public var errorField: String? {
        ((try? self.object())?["error"] as? [String: Any])?["field"] as? String
    }
}

/// An account made through the application's own use cases, with an API token.
public struct SeededUser: Sendable {
    public let id: String
    public let email: String
    public let name: String
    public let password: String
    public let token: String

    public var bearer: HTTPFields { [.authorization: "Bearer \(self.token)"] }
}

/// Accounts are hashed at bcrypt cost 4 unless asked: the suite runs many in parallel on two cores.
/// The product's cost is `AppSettings`' default, 12 (checked in the auth tests).
public func seedUser(_ database: DatabaseConfig, email: String, name: String, roles: [String], password: String = "mot de passe sûr 2026",
                     bcryptCost: UInt8 = 4) async throws -> SeededUser {
    try await withDatabase(database) { db in
        let app = UseCases(database: db, settings: AppSettings(bcryptCost: bcryptCost))
        let user = try await app.users.create(email: email, name: name, roles: roles, password: password, logger: TestDatabase.logger)
        let (_, token) = try await app.tokens.create(email: email, name: "tests", expiresInDays: nil, logger: TestDatabase.logger)
        return SeededUser(id: user.id.uuidString.lowercased(), email: email, name: name, password: password, token: token)
    }
}

/// The test suite's server key for sealed offers (a fixed, public value: tests only).
public enum TestSealKey {
    public static let base64 = "ZG1zLXRlc3Qtc2VhbC1rZXktMzItYnl0ZXMtbG9uZyE="
    public static let key = try! SealKey(base64: base64)
}
