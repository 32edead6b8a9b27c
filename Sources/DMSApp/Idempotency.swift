import DMSStore
import Logging
import NIOCore

/// Writes that happen exactly once: the answers stored under an `Idempotency-Key`.
public struct Idempotency: Sendable {
    let keys: IdempotencyRepository

    public init(keys: IdempotencyRepository) {
        self.keys = keys
    }

    public func find(scope: String, key: String, logger: Logger) async throws -> IdempotencyRepository.Stored? {
        try await self.keys.find(scope: scope, key: key, logger: logger)
    }

    public func store(_ claim: IdempotencyClaim, status: Int, contentType: String?, location: String?, body: ByteBuffer?, logger: Logger) async throws {
        try await self.keys.store(scope: claim.scope, key: claim.key, requestHash: claim.requestHash, status: status, contentType: contentType,
                                  location: location, body: body, logger: logger)
    }
}
