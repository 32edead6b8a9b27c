import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// Issue 19: `scripts/backup` then `scripts/restore` into a fresh database gives back the same
/// memory, checked by the Swift verifier, and the same rows.
@Suite("Backups that restore")
struct BackupTests {
    static func url(_ config: DatabaseConfig) -> String {
        "postgres://\(config.username)\(config.password.map { ":\($0)" } ?? "")@\(config.host):\(config.port)/\(config.database)?sslmode=disable"
    }

    static func script(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProcess("/bin/bash", [repositoryRoot.appendingPathComponent("scripts/\(name)").path] + arguments, in: repositoryRoot)
    }

    /// Every base table of the public schema with its exact row count.
    static func counts(_ config: DatabaseConfig) async throws -> [String: Int] {
        try await TestDatabase.withConnection(config) { connection in
            var tables: [String] = []
            let rows = try await connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", logger: TestDatabase.logger)
            for try await name in rows.decode(String.self) { tables.append(name) }
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try await connection.integer(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \"\(table)\""))
            }
            return counts
        }
    }

    @Test("backup, restore into an empty database: memory verify OK, the same memory head and checkpoints, equal row counts")
    func roundTrip() async throws {
        try await withTestApp { client, config in
            let (id, _) = try await ArchiveTests.auditedCase(client, config)
            let decided = try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": "Ets Diallo & Fils", "decision_reason": "Conforme"])
            #expect(decided.status == .ok || decided.status == .unprocessableContent, "\(decided.text)")
            _ = try await ArchiveTests.seal(config)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let dump = folder.appendingPathComponent("dms.dump").path

            let backup = try Self.script("backup", ["-o", dump, "--database-url", Self.url(config)])
            #expect(backup.status == 0, "\(backup.output)")
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dump + ".manifest.json"))) as? [String: Any]
            let source = try await withDatabase(config) { database in
                (try await EventLog(database: database).verify(logger: TestDatabase.logger), try await EventLog(database: database).verifyCheckpoints(logger: TestDatabase.logger))
            }
            #expect(((manifest?["memory_head"] as? [String: Any])?["head"] as? String) == source.0.head)
            let before = try await Self.counts(config)
            #expect((before["events"] ?? 0) > 5 && (before["document_contents"] ?? 0) > 1 && (before["memory_checkpoints"] ?? 0) >= 1)

            try await TestDatabase.withEmpty { empty in
                let restore = try Self.script("restore", [dump, "--database-url", Self.url(empty)])
                #expect(restore.status == 0, "\(restore.output)")
                #expect(restore.output.contains("OK"), "\(restore.output)")
                let restored = try await withDatabase(empty) { database in
                    (try await EventLog(database: database).verify(logger: TestDatabase.logger), try await EventLog(database: database).verifyCheckpoints(logger: TestDatabase.logger))
                }
                #expect(restored.0.firstBreak == nil && restored.0.head == source.0.head && restored.0.events == source.0.events)
                #expect(restored.1.firstBreak == nil && restored.1.latest == source.1.latest)
                #expect(try await Self.counts(empty) == before)
                // Restoring twice into the same database is refused: it is no longer empty.
                let again = try Self.script("restore", [dump, "--database-url", Self.url(empty)])
                #expect(again.status != 0)
            }

            // A dump that does not match its manifest is refused before anything is restored.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: dump))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: dump))
            try await TestDatabase.withEmpty { empty in
                let refused = try Self.script("restore", [dump, "--database-url", Self.url(empty)])
                #expect(refused.status != 0, "\(refused.output)")
                #expect(try await Self.counts(empty).isEmpty)
            }
        }
    }
}
