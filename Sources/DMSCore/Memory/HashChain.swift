import Crypto
import Foundation

/// The memory's tamper-evidence: each event's hash is SHA-256 over the previous hash (hex) followed
/// by the event's canonical JSON text. The database computes it on insert (see migration 0001);
/// this type recomputes it so that verification never trusts the database's own arithmetic.
public enum HashChain {
    /// `prev_hash` of the first event of every chain.
    public static let genesis = String(repeating: "0", count: 64)

    public static func link(previous: String, canonical: String) -> String {
        let digest = SHA256.hash(data: Data((previous + canonical).utf8))
        return Array(digest).hexString
    }
}

/// One stored event as the verifier sees it.
public struct ChainedEvent: Sendable, Hashable {
    public let id: Int64
    public let seq: Int
    public let prevHash: String
    public let hash: String
    public let canonical: String

    public init(id: Int64, seq: Int, prevHash: String, hash: String, canonical: String) {
        self.id = id
        self.seq = seq
        self.prevHash = prevHash
        self.hash = hash
        self.canonical = canonical
    }
}

/// Why a chain does not verify, naming the first event that breaks it.
public struct ChainBreak: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case sequenceGap(expected: Int)
        case previousHashMismatch(expected: String)
        case hashMismatch(computed: String)
    }

    public let eventID: Int64
    public let seq: Int
    public let reason: Reason

    public var description: String {
        switch self.reason {
        case .sequenceGap(let expected):
            "event \(self.eventID) (seq \(self.seq)): sequence gap, expected seq \(expected)"
        case .previousHashMismatch(let expected):
            "event \(self.eventID) (seq \(self.seq)): prev_hash does not match the previous event's hash \(expected)"
        case .hashMismatch(let computed):
            "event \(self.eventID) (seq \(self.seq)): content altered, hash recomputes to \(computed)"
        }
    }
}

/// Walks one chain event by event, in `seq` order, so a chain of any length is checked in constant memory.
public struct ChainVerifier: Sendable {
    public private(set) var head: String = HashChain.genesis
    public private(set) var count: Int = 0

    public init() {}

    public mutating func append(_ event: ChainedEvent) throws(ChainBreak) {
        guard event.seq == self.count + 1 else {
            throw ChainBreak(eventID: event.id, seq: event.seq, reason: .sequenceGap(expected: self.count + 1))
        }
        guard event.prevHash == self.head else {
            throw ChainBreak(eventID: event.id, seq: event.seq, reason: .previousHashMismatch(expected: self.head))
        }
        let computed = HashChain.link(previous: event.prevHash, canonical: event.canonical)
        guard computed == event.hash else {
            throw ChainBreak(eventID: event.id, seq: event.seq, reason: .hashMismatch(computed: computed))
        }
        self.head = event.hash
        self.count += 1
    }
}

/// The memory's head: SHA-256 over `<case_id>:<seq>:<hash>\n` for every chain's last event, in
/// case-id order (lowercase UUID text, which sorts as PostgreSQL sorts uuids). Computed the same
/// way by `memory_head()` in SQL, by `dms memory verify`, and by `scripts/verify_export.py`.
public struct MemoryHeadDigest: Sendable {
    private var hasher = SHA256()

    public init() {}

    public mutating func add(caseID: UUID, seq: Int, hash: String) {
        self.hasher.update(data: Data("\(caseID.uuidString.lowercased()):\(seq):\(hash)\n".utf8))
    }

    public func finalize() -> String {
        Array(self.hasher.finalize()).hexString
    }
}
