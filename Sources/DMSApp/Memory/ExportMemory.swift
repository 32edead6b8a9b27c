import DMSCore
import DMSStore
import Logging
import NIOCore

/// The memory as JSON Lines for auditors, streamed line by line (any size fits in memory).
public struct ExportMemory: Sendable {
    let memory: MemoryRepository

    public func run(from: Timestamp?, to: Timestamp?, logger: Logger, line: (ByteBuffer) async throws -> Void) async throws {
        try await self.memory.export(from: from, to: to, logger: logger, line: line)
    }
}
