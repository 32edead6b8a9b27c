import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Applies the numbered `.sql` files in `Migrations/` in order, each recorded in `schema_migrations`.
/// All pending migrations run in one transaction under a transaction-scoped advisory lock, so two
/// instances starting together migrate once, and it works through a transaction-mode pooler.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Hashable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The migrations shipped with this build.
    public static func bundled() throws -> Migrator {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw ConfigError("the Migrations folder is missing from the dms_DMSStore resource bundle")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let migrations = try files.map { file -> Migration in
            let name = file.deletingPathExtension().lastPathComponent
            guard let version = Int(name.prefix(while: \.isNumber)) else {
                throw ConfigError("migration file \(file.lastPathComponent) must start with its number")
            }
            return Migration(version: version, name: name, sql: try String(contentsOf: file, encoding: .utf8))
        }
        guard Set(migrations.map(\.version)).count == migrations.count else {
            throw ConfigError("two migration files share a number")
        }
        return Migrator(migrations: migrations)
    }

    /// Applies what is pending; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate(_ database: Database, logger: Logger) async throws -> [String] {
        let migrations = self.migrations
        // Migrations may rewrite large tables: they get minutes, not the request deadline.
        return try await database.run(timeout: .seconds(600)) { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext('dms.schema_migrations'))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                    applied.insert(version)
                }
                var names: [String] = []
                for migration in migrations where !applied.contains(migration.version) {
                    logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
                    for statement in SQLScript.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                    names.append(migration.name)
                }
                return names
            }
        }
    }
}
