import DMSStore
import DMSTestSupport
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigratorTests {
    let logger = TestDatabase.logger

    @Test("two instances migrating an empty database at once apply each migration once; re-running is a no-op")
    func concurrentAndIdempotent() async throws {
        try await TestDatabase.withEmpty { config in
            let migrator = try Migrator.bundled()
            let runs = try await withDatabase(config) { database in
                try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<2 { group.addTask { try await migrator.migrate(database, logger: logger) } }
                    return try await group.reduce(into: [[String]]()) { $0.append($1) }
                }
            }
            #expect(runs.flatMap { $0 }.sorted() == migrator.migrations.map(\.name).sorted())
            let again = try await withDatabase(config) { database in try await migrator.migrate(database, logger: logger) }
            #expect(again.isEmpty)
            try await TestDatabase.withConnection(config) { connection in
                let rows = try await connection.integer("SELECT count(*) FROM schema_migrations")
                #expect(rows == migrator.migrations.count)
            }
        }
    }

    @Test("bundled migrations are numbered and non-empty")
    func bundled() throws {
        let migrations = try Migrator.bundled().migrations
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        #expect(migrations.allSatisfy { !$0.sql.isEmpty })
    }
}
