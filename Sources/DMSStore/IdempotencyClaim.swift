import NIOConcurrencyHelpers

/// The `Idempotency-Key` of the request being served, for the database layer: the first
/// transaction of the request inserts it (`Database.transaction`), so the key is stored exactly
/// when the write commits. Set by the server's middleware as a task-local value.
public final class IdempotencyClaim: Sendable {
    /// `user:<id>`, `actor:<name>` (development mode) or `ip:<address>`: keys are per caller.
    public let scope: String
    public let key: String
    /// SHA-256 of the method, the path and the body: the same key with another request is refused.
    public let requestHash: String
    private let taken = NIOLockedValueBox(false)

    @TaskLocal public static var current: IdempotencyClaim?

    public init(scope: String, key: String, requestHash: String) {
        self.scope = scope
        self.key = key
        self.requestHash = requestHash
    }

    /// True once: the transaction that gets it inserts the key.
    func take() -> Bool {
        self.taken.withLockedValue { taken in
            defer { taken = true }
            return !taken
        }
    }

    public var isPending: Bool { !self.taken.withLockedValue { $0 } }
    /// Whether a transaction of this request claimed the key.
    public var wasTaken: Bool { self.taken.withLockedValue { $0 } }
}
