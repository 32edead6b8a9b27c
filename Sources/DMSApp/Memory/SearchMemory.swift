import DMSCore
import DMSStore
import Logging

/// French full-text search over cases, decisions, suppliers, criteria and document text.
public struct SearchMemory: Sendable {
    let memory: MemoryRepository

    public func run(_ query: MemorySearchQuery, logger: Logger) async throws -> Page<SearchHit> {
        try await self.memory.search(query, logger: logger)
    }
}
