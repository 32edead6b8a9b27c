import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The memory's sealed checkpoints (migration 0010, docs/ARCHIVE.md): sealing, reading, and
/// checking that every case still holds what was sealed.
public struct CheckpointRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public enum Sealer: String, Sendable { case service, cli }

    /// Seals the heads that grew since the last checkpoint. `wait` false: gives up at once when
    /// another session is sealing (the periodic sealer); true: queues behind it (on demand).
    /// Nil when nothing grew.
    public func seal(wait: Bool, by sealer: Sealer, logger: Logger) async throws -> Checkpoint? {
        try await self.database.run(timeout: .seconds(600)) { client in
            let rows = try await client.query("""
                SELECT seq, hash, heads, sealed_at FROM seal_checkpoint(\(wait), \(sealer.rawValue))
                """, logger: logger)
            for try await (seq, hash, heads, sealedAt) in rows.decode((Int64, String, Int, String).self) {
                // The previous hash is the chain's business; callers need what was sealed.
                return Checkpoint(seq: seq, prevHash: "", hash: hash, sealedAt: sealedAt, headCount: heads, sealedBy: sealer.rawValue)
            }
            return nil
        }
    }

    /// A checkpoint's columns, from `memory_checkpoints c` (the time as the text its hash covers).
    static let columns = """
        c.seq, c.prev_hash, c.hash, to_char(c.sealed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), c.heads, c.sealed_by
        """

    /// Newest first, `limit` of them, before `before` (a checkpoint seq) when given.
    public func list(limit: Int, before: Int64?, logger: Logger) async throws -> [Checkpoint] {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.columns) FROM memory_checkpoints c
                WHERE \(before)::bigint IS NULL OR c.seq < \(before)::bigint
                ORDER BY c.seq DESC LIMIT \(limit)
                """, logger: logger)
            return try await Self.decode(rows)
        }
    }

    /// The latest checkpoint, if any has been sealed.
    public static func latest(on connection: PostgresConnection, logger: Logger) async throws -> Checkpoint? {
        let rows = try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM memory_checkpoints c ORDER BY c.seq DESC LIMIT 1
            """, logger: logger)
        return try await Self.decode(rows).first
    }

    /// Every checkpoint holding a head of `caseID`, and the latest one, oldest first, each with
    /// all its heads (an auditor needs them to recompute its hash).
    public static func covering(caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [(Checkpoint, [CheckpointHead])] {
        let rows = try await connection.query("""
            WITH wanted AS (
                SELECT checkpoint_seq AS seq FROM checkpoint_heads WHERE case_id = \(caseID)
                UNION SELECT max(seq) FROM memory_checkpoints
            )
            SELECT \(unescaped: Self.columns), h.case_id, h.seq, h.hash
            FROM memory_checkpoints c JOIN wanted w ON w.seq = c.seq
            JOIN checkpoint_heads h ON h.checkpoint_seq = c.seq
            ORDER BY c.seq, h.case_id
            """, logger: logger)
        var result: [(Checkpoint, [CheckpointHead])] = []
        for try await (seq, prev, hash, at, count, by, caseID, headSeq, headHash) in rows.decode((Int64, String, String, String, Int, String, UUID, Int, String).self) {
            let head = CheckpointHead(caseID: caseID, seq: headSeq, hash: headHash)
            if let last = result.last, last.0.seq == seq {
                result[result.count - 1].1.append(head)
            } else {
                result.append((Checkpoint(seq: seq, prevHash: prev, hash: hash, sealedAt: at, headCount: count, sealedBy: by), [head]))
            }
        }
        return result
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [Checkpoint] {
        var result: [Checkpoint] = []
        for try await (seq, prev, hash, at, count, by) in rows.decode((Int64, String, String, String, Int, String).self) {
            result.append(Checkpoint(seq: seq, prevHash: prev, hash: hash, sealedAt: at, headCount: count, sealedBy: by))
        }
        return result
    }
}

extension EventLog {
    /// What the checkpoints prove: the chain of checkpoints recomputed in Swift, then every
    /// case's latest sealed head found again in its events.
    public struct CheckpointReport: Sendable, Hashable {
        public let checkpoints: Int64
        public let latest: String?
        public let sealedCases: Int
        public let firstBreak: CheckpointBreak?
    }

    public func verifyCheckpoints(logger: Logger) async throws -> CheckpointReport {
        try await self.database.run(timeout: .seconds(3600)) { client in
            var verifier = CheckpointVerifier()
            var current: Checkpoint?
            var heads: [CheckpointHead] = []
            let rows = try await client.query("""
                SELECT \(unescaped: CheckpointRepository.columns), h.case_id, h.seq, h.hash
                FROM memory_checkpoints c LEFT JOIN checkpoint_heads h ON h.checkpoint_seq = c.seq
                ORDER BY c.seq, h.case_id
                """, logger: logger)
            do {
                for try await (seq, prev, hash, at, count, by, caseID, headSeq, headHash)
                    in rows.decode((Int64, String, String, String, Int, String, UUID?, Int?, String?).self) {
                    if current?.seq != seq {
                        if let current { try verifier.append(current, heads: heads) }
                        current = Checkpoint(seq: seq, prevHash: prev, hash: hash, sealedAt: at, headCount: count, sealedBy: by)
                        heads = []
                    }
                    if let caseID, let headSeq, let headHash { heads.append(CheckpointHead(caseID: caseID, seq: headSeq, hash: headHash)) }
                }
                if let current { try verifier.append(current, heads: heads) }
            } catch let broken as CheckpointBreak {
                return CheckpointReport(checkpoints: verifier.count, latest: nil, sealedCases: 0, firstBreak: broken)
            }
            // The latest sealed head of every case, against the events now stored.
            let sealed = try await client.query("""
                SELECT k.case_id, k.checkpoint_seq, k.seq, k.hash, e.hash, (SELECT max(x.seq) FROM events x WHERE x.case_id = k.case_id)
                FROM (SELECT DISTINCT ON (case_id) case_id, checkpoint_seq, seq, hash FROM checkpoint_heads ORDER BY case_id, seq DESC) k
                LEFT JOIN events e ON e.case_id = k.case_id AND e.seq = k.seq
                ORDER BY k.case_id
                """, logger: logger)
            var cases = 0
            for try await (caseID, checkpoint, seq, hash, found, last) in sealed.decode((UUID, Int64, Int, String, String?, Int?).self) {
                guard let found else {
                    return CheckpointReport(checkpoints: verifier.count, latest: verifier.head, sealedCases: cases,
                                            firstBreak: .truncated(caseID: caseID, checkpoint: checkpoint, sealedSeq: seq, lastSeq: last))
                }
                guard found == hash else {
                    return CheckpointReport(checkpoints: verifier.count, latest: verifier.head, sealedCases: cases,
                                            firstBreak: .rewritten(caseID: caseID, checkpoint: checkpoint, sealedSeq: seq, sealedHash: hash, foundHash: found))
                }
                cases += 1
            }
            return CheckpointReport(checkpoints: verifier.count, latest: verifier.count == 0 ? nil : verifier.head, sealedCases: cases, firstBreak: nil)
        }
    }
}
