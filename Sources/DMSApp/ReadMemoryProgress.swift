import DMSStore
import Logging

/// Events appended and the last checkpoint's age, for the metrics scrape.
public struct ReadMemoryProgress: Sendable {
    let probe: MemoryProgressProbe

    public func run(logger: Logger) async throws -> MemoryProgress {
        try await self.probe.read(logger: logger)
    }
}
