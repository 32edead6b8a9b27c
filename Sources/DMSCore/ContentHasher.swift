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
        self.hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
