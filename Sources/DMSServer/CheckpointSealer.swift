import DMSApp
import Logging
import ServiceLifecycle

/// Seals the memory into a checkpoint every `interval` (`DMS_CHECKPOINT_SECONDS`). Every instance
/// runs one; the database lets one seal at a time and the others skip that turn, so the chain
/// never forks. A failed turn is logged and the next one tries again.
struct CheckpointSealer: Service {
    let checkpoints: Checkpoints
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                await self.sealOnce()
            }
        }
    }

    func sealOnce() async {
        do {
            if let sealed = try await self.checkpoints.seal(by: .service, logger: self.logger) {
                self.logger.info("memory checkpoint sealed", metadata: [
                    "checkpoint": "\(sealed.seq)", "hash": "\(sealed.hash)", "heads": "\(sealed.headCount)",
                ])
            }
        } catch {
            self.logger.warning("memory checkpoint not sealed this turn", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
