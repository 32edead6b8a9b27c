import DMSCore
import DMSStore
import DMSTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("The memory: append-only, hash-chained, verifiable")
struct MemoryTests {
    let logger = TestDatabase.logger

    @Test("a case's chain verifies after create and decide")
    func verifies() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let created = try await cases.create(try NewCase(caseType: "DAO", title: "Ciment", lot: nil), actor: .anonymous, logger: logger)
                _ = try await cases.create(try NewCase(caseType: "RFQ", title: "Gasoil", lot: nil), actor: .anonymous, logger: logger)
                let decided = try await cases.decide(caseID: created.id, try NewDecision(chosenSupplier: "Ets A", decisionReason: "Conforme", nextAction: nil), present: [], quorum: 3, actor: .anonymous, logger: logger)
                #expect(decided.events.map(\.type) == ["case_created", "decision_recorded"])
                #expect(decided.events[1].prevHash == decided.events[0].hash)
                let report = try await EventLog(database: database).verify(logger: logger)
                #expect(report.firstBreak == nil)
                #expect(report.events == 3 && report.chains == 2)
            }
        }
    }

    @Test("the database refuses UPDATE, DELETE and TRUNCATE on events and decisions")
    func appendOnly() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let created = try await cases.create(try NewCase(caseType: "DAO", title: "Ciment", lot: nil), actor: .anonymous, logger: logger)
                _ = try await cases.decide(caseID: created.id, try NewDecision(chosenSupplier: "Ets A", decisionReason: "Conforme", nextAction: nil), present: [], quorum: 3, actor: .anonymous, logger: logger)
            }
            try await TestDatabase.withConnection(config) { connection in
                for statement in ["UPDATE events SET actor = 'mallory'", "DELETE FROM events", "TRUNCATE events CASCADE",
                                  "UPDATE decisions SET chosen_supplier = 'Ets B'", "DELETE FROM decisions",
                                  "UPDATE cases SET status = 'open'"] {
                    await #expect(throws: PSQLError.self, "\(statement) was allowed") {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
                let count = try await connection.integer("SELECT count(*) FROM events")
                #expect(count == 2)
            }
        }
    }

    @Test("an altered payload is found, at exactly that event")
    func tamper() async throws {
        try await TestDatabase.withFresh { config in
            let target: UUID = try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let first = try await cases.create(try NewCase(caseType: "DAO", title: "Ciment", lot: nil), actor: .anonymous, logger: logger)
                _ = try await cases.decide(caseID: first.id, try NewDecision(chosenSupplier: "Ets A", decisionReason: "Conforme", nextAction: nil), present: [], quorum: 3, actor: .anonymous, logger: logger)
                return first.id
            }
            try await TestDatabase.withConnection(config) { connection in
                // A superuser can still disable the trigger: the chain is what catches it.
                try await connection.query("ALTER TABLE events DISABLE TRIGGER events_append_only", logger: logger)
                try await connection.query("""
                    UPDATE events SET payload = jsonb_set(payload, '{chosen_supplier}', '"Ets B"')
                    WHERE case_id = \(target) AND seq = 2
                    """, logger: logger)
                try await connection.query("ALTER TABLE events ENABLE TRIGGER events_append_only", logger: logger)
            }
            let report = try await withDatabase(config) { database in
                try await EventLog(database: database).verify(logger: logger)
            }
            let broken = try #require(report.firstBreak)
            #expect(report.breakCaseID == target)
            #expect(broken.seq == 2)
            guard case .hashMismatch = broken.reason else {
                Issue.record("expected a hash mismatch, got \(broken)")
                return
            }
        }
    }

    @Test("the database computes the same hashes as the Swift verifier, in any server time zone")
    func timeZones() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { connection in
                try await connection.query("SET TimeZone = 'Asia/Kolkata'", logger: logger)
                try await connection.query("INSERT INTO cases (case_type, title, created_by) VALUES ('DAO', 'Fuseau', 'test')", logger: logger)
                try await connection.query("""
                    INSERT INTO events (case_id, type, actor, payload)
                    SELECT id, 'case_created', 'test', '{"note": "Ségou «»"}' FROM cases
                    """, logger: logger)
            }
            let report = try await withDatabase(config) { database in try await EventLog(database: database).verify(logger: logger) }
            #expect(report.firstBreak == nil && report.events == 1)
        }
    }

    @Test("the schema's CHECK constraints refuse what the domain refuses")
    func constraints() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { connection in
                for statement in [
                    "INSERT INTO cases (case_type, title, created_by) VALUES ('XYZ', 't', 'x')",
                    "INSERT INTO cases (case_type, title, created_by) VALUES ('DAO', '', 'x')",
                    "INSERT INTO cases (case_type, title, created_by) VALUES ('DAO', repeat('a', 301), 'x')",
                    "INSERT INTO cases (case_type, title, created_by) VALUES ('DAO', E'a\\tb', 'x')",
                    "INSERT INTO cases (case_type, title, status, created_by) VALUES ('DAO', 't', 'closed', 'x')",
                ] {
                    await #expect(throws: PSQLError.self, "\(statement) was allowed") {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
            }
        }
    }
}
