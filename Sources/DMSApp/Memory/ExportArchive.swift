import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import Logging
import NIOCore

/// The auditor's archive of one case (docs/ARCHIVE.md): a zip streamed entry after entry, with
/// its manifest and a verifier that needs nothing but Python. The same state (the case and the
/// checkpoints) gives the same bytes.
public struct ExportArchive: Sendable {
    let archives: ArchiveRepository

    /// What will be written, read before the first byte leaves (so a missing case is a 404).
    public struct Plan: Sendable {
        let contents: ArchiveRepository.Contents
        public let filename: String
    }

    public enum Failure: Error, Sendable, Hashable {
        /// Past what a zip without ZIP64 holds (4 GiB).
        case tooLarge(bytes: Int64)
        /// The verifier or the LISEZMOI are missing from the build.
        case missingResource(String)
    }

    public func prepare(caseID: UUID, logger: Logger) async throws -> Plan {
        guard let contents = try await self.archives.contents(caseID: caseID, logger: logger) else { throw CaseError.notFound(caseID) }
        let total = contents.files.reduce(Int64(0)) { $0 + $1.size }
        guard total < 0xF000_0000 else { throw Failure.tooLarge(bytes: total) }
        return Plan(contents: contents, filename: "DMS-archive-\(caseID.uuidString.lowercased().prefix(8)).zip")
    }

    /// Streams the zip into `sink`, in order; the manifest comes last, built on the way.
    public func write(_ plan: Plan, logger: Logger, to sink: (ByteBuffer) async throws -> Void) async throws {
        let contents = plan.contents
        var zip = Self.zip(dated: contents.lastEventAt)
        var manifest: [(path: String, sha256: String)] = []

        func entry(_ path: String, _ bytes: [UInt8]) async throws {
            try await sink(ByteBuffer(bytes: try zip.begin(path)))
            var hasher = ContentHasher()
            try bytes.withUnsafeBytes { raw in
                hasher.update(raw)
                try zip.update(raw)
            }
            try await sink(ByteBuffer(bytes: bytes))
            try await sink(ByteBuffer(bytes: try zip.end()))
            if path != "MANIFEST.sha256" { manifest.append((path, hasher.finalize())) }
        }

        try await entry("LISEZMOI.txt", try Self.resource("LISEZMOI.txt"))
        try await entry("verifier.py", try Self.resource("verifier.py"))
        try await entry("case.json", Array((contents.caseJSON + "\n").utf8))
        try await entry("events.jsonl", Array(contents.events.map { $0 + "\n" }.joined().utf8))
        try await entry("checkpoints.jsonl", Array(contents.checkpoints.map { Self.line($0.0, heads: $0.1) + "\n" }.joined().utf8))
        for file in contents.files {
            try await sink(ByteBuffer(bytes: try zip.begin(file.path)))
            var hasher = ContentHasher()
            try await self.archives.stream(file, logger: logger) { chunk in
                try chunk.withUnsafeReadableBytes { raw in
                    hasher.update(raw)
                    try zip.update(raw)
                }
                try await sink(chunk)
            }
            try await sink(ByteBuffer(bytes: try zip.end()))
            manifest.append((file.path, hasher.finalize()))
        }
        let lines = manifest.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
            .map { "\($0.sha256)  \($0.path)\n" }.joined()
        try await entry("MANIFEST.sha256", Array(lines.utf8))
        try await sink(ByteBuffer(bytes: try zip.finish()))
    }

    /// A checkpoint as `checkpoints.jsonl` writes it (keys sorted, no spaces).
    static func line(_ checkpoint: Checkpoint, heads: [CheckpointHead]) -> String {
        CanonicalJSON.string(.object([
            "seq": .number(Double(checkpoint.seq)),
            "prev_hash": .string(checkpoint.prevHash),
            "hash": .string(checkpoint.hash),
            "sealed_at": .string(checkpoint.sealedAt),
            "heads": .array(heads.map {
                .object(["case_id": .string($0.caseID.uuidString.lowercased()), "seq": .number(Double($0.seq)), "hash": .string($0.hash)])
            }),
        ]))
    }

    /// Entries are dated by the case's last event (`YYYY-MM-DDTHH:MM:SS`, UTC).
    static func zip(dated at: String) -> ZipStream {
        let parts = at.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return ZipStream(year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0) }
        return ZipStream(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
    }

    static func resource(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "archive/\(name)", withExtension: nil)
                ?? Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "archive"),
              let data = try? Data(contentsOf: url) else { throw Failure.missingResource(name) }
        return Array(data)
    }
}
