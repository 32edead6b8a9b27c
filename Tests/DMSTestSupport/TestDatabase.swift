import DMSStore
import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// Real PostgreSQL for tests, the way the Swift Package Index server does it: the schema is
/// migrated once per process into a template database, and every test gets its own copy
/// (`CREATE DATABASE … TEMPLATE …`), dropped afterwards. The server comes from
/// `DMS_TEST_DATABASE_URL` (a superuser URL), which `scripts/test` sets for a throw-away cluster.
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "dms-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh, migrated database for the duration of `body`.
    public static func withFresh<T: Sendable>(_ body: (DatabaseConfig) async throws -> T) async throws -> T {
        try await self.withCopy(of: nil, body)
    }

    /// An empty database (no migration) for the duration of `body`.
    public static func withEmpty<T: Sendable>(_ body: (DatabaseConfig) async throws -> T) async throws -> T {
        try await self.withCopy(of: "template0", body)
    }

    /// A copy of `template` (the migrated template when nil), dropped afterwards whatever happens.
    private static func withCopy<T: Sendable>(of template: String?, _ body: (DatabaseConfig) async throws -> T) async throws -> T {
        let config = try await Registry.shared.create(template: template)
        do {
            let result = try await body(config)
            try await Registry.shared.drop(config.database)
            return result
        } catch {
            try? await Registry.shared.drop(config.database)
            throw error
        }
    }

    /// One connection to `config`'s database for direct SQL in a test.
    public static func withConnection<T: Sendable>(_ config: DatabaseConfig, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: config.host, port: config.port, username: config.username,
                                 password: config.password, database: config.database, tls: .disable),
            id: 1, logger: Self.logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The server named by `DMS_TEST_DATABASE_URL`.
    public static func adminConfig() throws -> DatabaseConfig {
        guard let url = ProcessInfo.processInfo.environment["DMS_TEST_DATABASE_URL"], !url.isEmpty else {
            throw TestSetupError("DMS_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a throw-away PostgreSQL")
        }
        let config = try DatabaseConfig(url: url)
        guard ["127.0.0.1", "localhost", "::1"].contains(config.host) else {
            throw TestSetupError("DMS_TEST_DATABASE_URL must point at a local server: tests create and drop databases")
        }
        return config
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Creates the template once, then copies. An actor, because PostgreSQL refuses concurrent
/// copies of a template that another session is connected to.
actor Registry {
    static let shared = Registry()

    private var template: Task<String, any Error>?
    private var counter = 0

    func create(template explicit: String? = nil) async throws -> DatabaseConfig {
        let admin = try TestDatabase.adminConfig()
        let template = if let explicit { explicit } else { try await self.templateName(admin) }
        self.counter += 1
        let name = "dms_test_\(ProcessInfo.processInfo.processIdentifier)_\(self.counter)"
        _ = try await TestDatabase.withConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: TestDatabase.logger)
        }
        var config = admin
        config.database = name
        return config
    }

    func drop(_ name: String) async throws {
        // Only what this helper created, only on a local server.
        guard name.hasPrefix("dms_test_"), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return }
        let admin = try TestDatabase.adminConfig()
        try await TestDatabase.withConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: TestDatabase.logger)
        }
    }

    private func templateName(_ admin: DatabaseConfig) async throws -> String {
        if let template { return try await template.value }
        let task = Task<String, any Error> {
            let name = "dms_tpl_\(ProcessInfo.processInfo.processIdentifier)"
            try await TestDatabase.withConnection(admin) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: TestDatabase.logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: TestDatabase.logger)
            }
            var config = admin
            config.database = name
            try await withDatabase(config) { database in
                try await Migrator.bundled().migrate(database, logger: TestDatabase.logger)
            }
            return name
        }
        self.template = task
        return try await task.value
    }
}

/// A pooled `Database` on `config` for the duration of `body` (the pool runs alongside, then stops).
/// A generous deadline, as `runApp` gives: the whole suite runs in parallel on two cores (the
/// deadline's own behaviour is tested with explicit settings).
public func withDatabase<T: Sendable>(_ config: DatabaseConfig, pool: PoolSettings = PoolSettings(maximumConnections: 4, requestTimeout: .seconds(15)),
                                      _ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
    let client = try PostgresClient.make(config, pool: pool, logger: TestDatabase.logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(Database(client: client, requestTimeout: pool.requestTimeout))
    }
}

extension PostgresConnection {
    /// The single integer a query such as `SELECT count(*) …` returns.
    public func integer(_ query: PostgresQuery) async throws -> Int {
        let rows = try await self.query(query, logger: TestDatabase.logger)
        for try await value in rows.decode(Int.self) { return value }
        throw TestSetupError("no row for \(query.sql)")
    }
}

extension TestDatabase {
    /// The integer a one-value query returns, on a short-lived connection to `config`'s database.
    public static func integer(_ config: DatabaseConfig, _ query: PostgresQuery) async throws -> Int {
        try await self.withConnection(config) { connection in try await connection.integer(query) }
    }
}
