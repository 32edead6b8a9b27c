import DMSCore
import DMSStore
import Logging

/// The digest of every case chain's last event: it changes whenever the memory grows.
public struct ReadMemoryHead: Sendable {
    let memory: MemoryRepository

    public func run(logger: Logger) async throws -> MemoryHead {
        try await self.memory.head(logger: logger)
    }
}
