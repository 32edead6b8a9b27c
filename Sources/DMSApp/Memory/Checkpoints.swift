import DMSCore
import DMSStore
import Logging

/// Sealing and reading the memory's checkpoints (docs/ARCHIVE.md).
public struct Checkpoints: Sendable {
    let checkpoints: CheckpointRepository

    /// Seals what grew since the last checkpoint; nil when nothing grew or, for the periodic
    /// sealer, when another instance is sealing right now.
    public func seal(by sealer: CheckpointRepository.Sealer, logger: Logger) async throws -> Checkpoint? {
        try await self.checkpoints.seal(wait: sealer == .cli, by: sealer, logger: logger)
    }

    /// A page, newest first: `limit` + 1 read to know whether another page follows.
    public func list(limit: Int, before: Int64?, logger: Logger) async throws -> (items: [Checkpoint], next: Int64?) {
        let rows = try await self.checkpoints.list(limit: limit + 1, before: before, logger: logger)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last?.seq : nil)
    }
}
