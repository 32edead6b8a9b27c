import Crypto

/// SHA-256 computed while bytes arrive, so a file is fingerprinted without a second pass.
public struct ContentHasher: Sendable {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        self.hasher.update(bufferPointer: bytes)
    }

    /// Lowercase hex, as stored and shown everywhere.
    public func finalize() -> String {
        Array(self.hasher.finalize()).hexString
    }
}
