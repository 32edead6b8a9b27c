import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Reads the memory's chains back for verification, streaming rows so any size fits in memory.
public struct EventLog: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The outcome of walking every chain.
    public struct Report: Sendable, Hashable {
        public let events: Int
        public let chains: Int
        public let firstBreak: ChainBreak?
        public let breakCaseID: UUID?
        /// The memory head recomputed from the verified chains (nil when a chain is broken).
        public let head: String?
    }

    /// Walks every case's chain in order and stops at the first broken link.
    public func verify(caseID: UUID? = nil, logger: Logger) async throws -> Report {
        try await self.database.run(timeout: .seconds(3600)) { client in
            try await Self.walk(try await client.query("""
                SELECT id, case_id, seq, prev_hash, hash,
                       event_canonical(case_id, seq, type, actor, actor_id, created_at, payload)
                FROM events
                WHERE \(caseID)::uuid IS NULL OR case_id = \(caseID)
                ORDER BY case_id, seq
                """, logger: logger))
        }
    }

    /// Walks every chain of the market's memory (one per signal or catalog entry) the same way.
    public func verifyMarket(logger: Logger) async throws -> Report {
        try await self.database.run(timeout: .seconds(3600)) { client in
            try await Self.walk(try await client.query("""
                SELECT id, subject_id, seq, prev_hash, hash,
                       market_event_canonical(subject_kind, subject_id, seq, type, actor, actor_id, created_at, payload)
                FROM market_events ORDER BY subject_id, seq
                """, logger: logger))
        }
    }

    /// Rows `(id, chain, seq, prev_hash, hash, canonical)` ordered by chain then seq.
    static func walk(_ rows: PostgresRowSequence) async throws -> Report {
        var verifier = ChainVerifier()
        var digest = MemoryHeadDigest()
        var current: UUID?
        var events = 0
        var chains = 0
        for try await (id, chainID, seq, prev, hash, canonical) in rows.decode((Int64, UUID, Int, String, String, String).self) {
            if chainID != current {
                if let current { digest.add(caseID: current, seq: verifier.count, hash: verifier.head) }
                current = chainID
                chains += 1
                verifier = ChainVerifier()
            }
            do throws(ChainBreak) {
                try verifier.append(ChainedEvent(id: id, seq: seq, prevHash: prev, hash: hash, canonical: canonical))
            } catch {
                return Report(events: events, chains: chains, firstBreak: error, breakCaseID: chainID, head: nil)
            }
            events += 1
        }
        if let current { digest.add(caseID: current, seq: verifier.count, hash: verifier.head) }
        return Report(events: events, chains: chains, firstBreak: nil, breakCaseID: nil, head: digest.finalize())
    }
}
