import ArgumentParser
import DMSStore
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit (safe to run concurrently).")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let logger = try Logs.make()
        let config = try db.database()
        let applied = try await withDatabase(config, pool: try db.pool(), logger: logger) { database in
            try await Migrator.bundled().migrate(database, logger: logger)
        }
        print(applied.isEmpty ? "up to date" : "applied \(applied.joined(separator: ", "))")
    }
}

/// Runs `body` with a live pool for one-shot commands, then shuts the pool down.
func withDatabase<T: Sendable>(_ config: DatabaseConfig, pool: PoolSettings, logger: Logger,
                               _ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
    let database = try Database.connect(config, pool: pool, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await database.service.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body(database)
    }
}
