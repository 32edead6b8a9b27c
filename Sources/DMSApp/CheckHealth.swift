import DMSStore
import Logging

/// Whether the database answers, and what it is (version, encoding, TLS).
public struct CheckHealth: Sendable {
    let probe: HealthProbe

    public func run(logger: Logger) async throws -> DatabaseStatus {
        try await self.probe.check(logger: logger)
    }
}
