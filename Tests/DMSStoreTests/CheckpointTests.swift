import DMSCore
import DMSStore
import DMSTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Memory checkpoints: one sealed chain over every case head")
struct CheckpointTests {
    let logger = TestDatabase.logger

    private func newCase(_ cases: CaseRepository, _ title: String) async throws -> UUID {
        try await cases.create(try NewCase(caseType: "DAO", title: title, lot: nil), actor: .anonymous, logger: logger).id
    }

    private func decide(_ cases: CaseRepository, _ id: UUID) async throws {
        _ = try await cases.decide(caseID: id, try NewDecision(chosenSupplier: "Ets A", decisionReason: "Conforme", nextAction: nil),
                                   present: [], quorum: 3, actor: .anonymous, logger: logger)
    }

    @Test("a seal covers the heads that grew, nothing else; the chain recomputes in Swift")
    func sealsWhatGrew() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let checkpoints = CheckpointRepository(database: database)
                #expect(try await checkpoints.seal(wait: true, by: .cli, logger: logger) == nil, "nothing to seal in an empty memory")
                let first = try await newCase(cases, "Ciment")
                _ = try await newCase(cases, "Gasoil")
                let one = try #require(try await checkpoints.seal(wait: true, by: .cli, logger: logger))
                #expect(one.seq == 1 && one.headCount == 2)
                #expect(try await checkpoints.seal(wait: false, by: .service, logger: logger) == nil, "no case grew")
                try await decide(cases, first)
                let two = try #require(try await checkpoints.seal(wait: false, by: .service, logger: logger))
                #expect(two.seq == 2 && two.headCount == 1)
                let listed = try await checkpoints.list(limit: 10, before: nil, logger: logger)
                #expect(listed.map(\.seq) == [2, 1])
                #expect(listed[0].prevHash == listed[1].hash && listed[1].prevHash == HashChain.genesis)
                #expect(listed.map(\.sealedBy) == ["service", "cli"])
                #expect(try await checkpoints.list(limit: 10, before: 2, logger: logger).map(\.seq) == [1])
                let report = try await EventLog(database: database).verifyCheckpoints(logger: logger)
                #expect(report.firstBreak == nil)
                #expect(report.checkpoints == 2 && report.sealedCases == 2 && report.latest == two.hash)
            }
        }
    }

    @Test("the hash is the one docs/ARCHIVE.md defines, recomputed from the text")
    func hashText() {
        let head = CheckpointHead(caseID: UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!, seq: 3, hash: String(repeating: "b", count: 64))
        let text = Checkpoint.text(seq: 1, prevHash: HashChain.genesis, sealedAt: "2026-11-29T10:00:00.000000Z", heads: [head])
        #expect(text == "dms-checkpoint/1\nseq 1\nprev \(HashChain.genesis)\nsealed_at 2026-11-29T10:00:00.000000Z\n"
                + "00000000-0000-0000-0000-00000000000a 3 \(String(repeating: "b", count: 64))\n")
        // The same text hashed by Python's hashlib, outside Swift.
        #expect(Checkpoint.hash(seq: 1, prevHash: HashChain.genesis, sealedAt: "2026-11-29T10:00:00.000000Z", heads: [head])
                == "1535b9b03236eb46af51201b3d0c149d90f8eca15970f65dfc21b16840378a74")
    }

    @Test("two instances sealing at once while cases are written: one chain, no fork, every head sealed")
    func concurrentSealers() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { first in
                try await withDatabase(config) { second in
                    let cases = CaseRepository(database: first)
                    let sealers = [CheckpointRepository(database: first), CheckpointRepository(database: second)]
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for round in 0..<6 {
                            group.addTask { _ = try await newCase(cases, "Lot \(round)") }
                            for (index, sealer) in sealers.enumerated() {
                                group.addTask { _ = try await sealer.seal(wait: (round + index) % 2 == 0, by: .service, logger: logger) }
                            }
                        }
                        try await group.waitForAll()
                    }
                    _ = try await sealers[1].seal(wait: true, by: .cli, logger: logger)
                    let report = try await EventLog(database: first).verifyCheckpoints(logger: logger)
                    #expect(report.firstBreak == nil)
                    #expect(report.sealedCases == 6)
                    let count = try await TestDatabase.integer(config, "SELECT count(*) FROM memory_checkpoints")
                    let last = try await TestDatabase.integer(config, "SELECT max(seq)::int FROM memory_checkpoints")
                    #expect(count >= 1 && count == last, "seq runs 1…n without a gap")
                    let forks = try await TestDatabase.integer(config, """
                        SELECT count(*) FROM (SELECT prev_hash FROM memory_checkpoints GROUP BY prev_hash HAVING count(*) > 1) f
                        """)
                    #expect(forks == 0)
                }
            }
        }
    }

    @Test("a case's tail cut off as superuser is reported with the case and the checkpoint")
    func truncatedTail() async throws {
        try await TestDatabase.withFresh { config in
            let target: UUID = try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let id = try await newCase(cases, "Ciment")
                _ = try await newCase(cases, "Gasoil")
                try await decide(cases, id)
                _ = try await CheckpointRepository(database: database).seal(wait: true, by: .cli, logger: logger)
                return id
            }
            try await TestDatabase.withConnection(config) { connection in
                try await connection.query("ALTER TABLE events DISABLE TRIGGER events_append_only", logger: logger)
                try await connection.query("DELETE FROM events WHERE case_id = \(target) AND seq = 2", logger: logger)
                try await connection.query("ALTER TABLE events ENABLE TRIGGER events_append_only", logger: logger)
            }
            try await withDatabase(config) { database in
                let log = EventLog(database: database)
                #expect(try await log.verify(logger: logger).firstBreak == nil, "the shortened chain is consistent in itself")
                let report = try await log.verifyCheckpoints(logger: logger)
                #expect(report.firstBreak == .truncated(caseID: target, checkpoint: 1, sealedSeq: 2, lastSeq: 1))
                #expect(report.firstBreak?.description.contains(target.uuidString.lowercased()) == true)
                #expect(report.firstBreak?.description.contains("checkpoint 1") == true)
            }
        }
    }

    @Test("a tail rewritten with a consistent chain is reported; a tampered checkpoint too")
    func rewrittenTail() async throws {
        try await TestDatabase.withFresh { config in
            let target: UUID = try await withDatabase(config) { database in
                let cases = CaseRepository(database: database)
                let id = try await newCase(cases, "Ciment")
                try await decide(cases, id)
                _ = try await CheckpointRepository(database: database).seal(wait: true, by: .cli, logger: logger)
                return id
            }
            try await TestDatabase.withConnection(config) { connection in
                // Cut the decision and append another one: the trigger re-links it properly.
                try await connection.query("ALTER TABLE events DISABLE TRIGGER events_append_only", logger: logger)
                try await connection.query("DELETE FROM events WHERE case_id = \(target) AND seq = 2", logger: logger)
                try await connection.query("ALTER TABLE events ENABLE TRIGGER events_append_only", logger: logger)
                try await connection.query("""
                    INSERT INTO events (case_id, type, actor, payload) VALUES (\(target), 'decision_recorded', 'mallory', '{"chosen_supplier": "Ets B"}')
                    """, logger: logger)
            }
            try await withDatabase(config) { database in
                let report = try await EventLog(database: database).verifyCheckpoints(logger: logger)
                guard case .rewritten(let caseID, let checkpoint, let seq, _, _)? = report.firstBreak else {
                    Issue.record("expected a rewritten tail, got \(String(describing: report.firstBreak))")
                    return
                }
                #expect(caseID == target && checkpoint == 1 && seq == 2)
            }
            try await TestDatabase.withConnection(config) { connection in
                try await connection.query("ALTER TABLE checkpoint_heads DISABLE TRIGGER checkpoint_heads_append_only", logger: logger)
                try await connection.query("DELETE FROM checkpoint_heads WHERE case_id = \(target)", logger: logger)
                try await connection.query("ALTER TABLE checkpoint_heads ENABLE TRIGGER checkpoint_heads_append_only", logger: logger)
            }
            try await withDatabase(config) { database in
                let report = try await EventLog(database: database).verifyCheckpoints(logger: logger)
                #expect(report.firstBreak == .headCountMismatch(seq: 1, stored: 1, found: 0), "hiding the sealed head is seen too")
            }
        }
    }

    @Test("checkpoints are append-only and cannot fork, whoever writes")
    func appendOnly() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { database in
                _ = try await newCase(CaseRepository(database: database), "Ciment")
                _ = try await CheckpointRepository(database: database).seal(wait: true, by: .cli, logger: logger)
            }
            try await TestDatabase.withConnection(config) { connection in
                let zeros = String(repeating: "0", count: 64)
                let other = String(repeating: "c", count: 64)
                for statement in ["UPDATE memory_checkpoints SET hash = '\(other)'", "DELETE FROM memory_checkpoints",
                                  "TRUNCATE memory_checkpoints CASCADE", "DELETE FROM checkpoint_heads",
                                  // A second successor of the genesis, or a checkpoint 2 that skips the link.
                                  "INSERT INTO memory_checkpoints VALUES (2, '\(zeros)', '\(other)', now(), 1, 'cli')",
                                  "INSERT INTO memory_checkpoints VALUES (3, '\(other)', '\(other)', now(), 1, 'cli')"] {
                    await #expect(throws: PSQLError.self, "\(statement) was allowed") {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
                let count = try await connection.integer("SELECT count(*) FROM memory_checkpoints")
                #expect(count == 1)
            }
        }
    }
}
