import Crypto
import Foundation

/// One case's head as a checkpoint sealed it.
public struct CheckpointHead: Sendable, Hashable {
    public let caseID: UUID
    public let seq: Int
    public let hash: String

    public init(caseID: UUID, seq: Int, hash: String) {
        self.caseID = caseID
        self.seq = seq
        self.hash = hash
    }
}

/// A sealed checkpoint of the memory (docs/ARCHIVE.md): the previous checkpoint's hash and the
/// heads of every case whose chain grew since.
public struct Checkpoint: Sendable, Hashable {
    public let seq: Int64
    public let prevHash: String
    public let hash: String
    /// UTC, six decimals, `Z`: exactly the text the hash covers.
    public let sealedAt: String
    public let headCount: Int
    public let sealedBy: String

    public init(seq: Int64, prevHash: String, hash: String, sealedAt: String, headCount: Int, sealedBy: String) {
        self.seq = seq
        self.prevHash = prevHash
        self.hash = hash
        self.sealedAt = sealedAt
        self.headCount = headCount
        self.sealedBy = sealedBy
    }

    /// The text a checkpoint's hash covers, `\n` after every line; heads sorted by case id.
    public static func text(seq: Int64, prevHash: String, sealedAt: String, heads: [CheckpointHead]) -> String {
        var text = "dms-checkpoint/1\nseq \(seq)\nprev \(prevHash)\nsealed_at \(sealedAt)\n"
        for head in heads.sorted(by: { $0.caseID.uuidString.lowercased() < $1.caseID.uuidString.lowercased() }) {
            text += "\(head.caseID.uuidString.lowercased()) \(head.seq) \(head.hash)\n"
        }
        return text
    }

    public static func hash(seq: Int64, prevHash: String, sealedAt: String, heads: [CheckpointHead]) -> String {
        Array(SHA256.hash(data: Data(Self.text(seq: seq, prevHash: prevHash, sealedAt: sealedAt, heads: heads).utf8))).hexString
    }
}

/// Why the checkpoints do not verify: the chain itself, or a case whose events no longer
/// contain what a checkpoint sealed (a tail cut off or rewritten).
public enum CheckpointBreak: Error, Sendable, Hashable, CustomStringConvertible {
    case sequenceGap(seq: Int64, expected: Int64)
    case previousHashMismatch(seq: Int64)
    case hashMismatch(seq: Int64, computed: String)
    case headCountMismatch(seq: Int64, stored: Int, found: Int)
    /// The case's chain ends before the seq a checkpoint sealed.
    case truncated(caseID: UUID, checkpoint: Int64, sealedSeq: Int, lastSeq: Int?)
    /// The event at the sealed seq has another hash than the one sealed.
    case rewritten(caseID: UUID, checkpoint: Int64, sealedSeq: Int, sealedHash: String, foundHash: String)

    public var description: String {
        switch self {
        case .sequenceGap(let seq, let expected):
            "checkpoint \(seq): sequence gap, expected checkpoint \(expected)"
        case .previousHashMismatch(let seq):
            "checkpoint \(seq): prev_hash does not match the previous checkpoint's hash"
        case .hashMismatch(let seq, let computed):
            "checkpoint \(seq): altered, its hash recomputes to \(computed)"
        case .headCountMismatch(let seq, let stored, let found):
            "checkpoint \(seq): says \(stored) heads, \(found) found"
        case .truncated(let caseID, let checkpoint, let sealedSeq, let lastSeq):
            "case \(caseID.uuidString.lowercased()): checkpoint \(checkpoint) sealed seq \(sealedSeq), but the chain now ends at "
                + (lastSeq.map { "seq \($0)" } ?? "no event") + " (its tail was cut)"
        case .rewritten(let caseID, let checkpoint, let sealedSeq, let sealedHash, let foundHash):
            "case \(caseID.uuidString.lowercased()): checkpoint \(checkpoint) sealed seq \(sealedSeq) with hash \(sealedHash), "
                + "the chain now has \(foundHash) there (its tail was rewritten)"
        }
    }
}

/// Walks the checkpoint chain in `seq` order, recomputing each hash from its heads.
public struct CheckpointVerifier: Sendable {
    public private(set) var head: String = HashChain.genesis
    public private(set) var count: Int64 = 0

    public init() {}

    public mutating func append(_ checkpoint: Checkpoint, heads: [CheckpointHead]) throws(CheckpointBreak) {
        guard checkpoint.seq == self.count + 1 else { throw .sequenceGap(seq: checkpoint.seq, expected: self.count + 1) }
        guard checkpoint.prevHash == self.head else { throw .previousHashMismatch(seq: checkpoint.seq) }
        guard heads.count == checkpoint.headCount else {
            throw .headCountMismatch(seq: checkpoint.seq, stored: checkpoint.headCount, found: heads.count)
        }
        let computed = Checkpoint.hash(seq: checkpoint.seq, prevHash: checkpoint.prevHash, sealedAt: checkpoint.sealedAt, heads: heads)
        guard computed == checkpoint.hash else { throw .hashMismatch(seq: checkpoint.seq, computed: computed) }
        self.head = checkpoint.hash
        self.count = checkpoint.seq
    }
}
