import DMSServer
import DMSStore
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
    configure: (inout AppConfig) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    // A generous deadline: tests run many apps in parallel on two cores. Outage tests set 4 s.
    var config = AppConfig(host: "127.0.0.1", port: 0, database: database, pool: PoolSettings(maximumConnections: 4, requestTimeout: .seconds(15)))
    configure(&config)
    let app = try buildApplication(config, logger: TestDatabase.logger)
    try await app.test(setup) { client in try await body(client) }
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
