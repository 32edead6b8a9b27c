import Crypto
import Foundation

/// The server's sealing key (`DMS_SEAL_KEY`: 32 random bytes in base64). It never encrypts an
/// offer itself: it wraps each case's own key (AES-GCM), so a rotation rewraps small rows only.
public struct SealKey: Sendable {
    let key: SymmetricKey
    /// The first 16 hex digits of SHA-256 of the key: names it in the database, reveals nothing.
    public let id: String

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed
        /// A wrapped key or an envelope that this key cannot open (wrong key, or altered bytes).
        case cannotOpen

        public var description: String {
            switch self {
            case .malformed: "DMS_SEAL_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)"
            case .cannotOpen: "the sealed bytes do not open with this key (wrong key, or altered bytes)"
            }
        }
    }

    public init(base64: String) throws(Failure) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else { throw .malformed }
        self.key = SymmetricKey(data: data)
        self.id = String(Array(SHA256.hash(data: data)).hexString.prefix(16))
    }

    /// A new random key for one case, wrapped by this key: nonce (12) || ciphertext (32) || tag (16).
    public func newCaseKey(caseID: UUID) throws -> (CaseSealKey, wrapped: Data) {
        let caseKey = SymmetricKey(size: .bits256)
        let wrapped = try self.wrap(caseKey, caseID: caseID)
        return (CaseSealKey(key: caseKey, caseID: caseID), wrapped)
    }

    public func wrap(_ caseKey: SymmetricKey, caseID: UUID) throws -> Data {
        let raw = caseKey.withUnsafeBytes { Data($0) }
        guard let combined = try AES.GCM.seal(raw, using: self.key, authenticating: Self.context(caseID)).combined else { throw Failure.cannotOpen }
        return combined
    }

    public func unwrap(_ wrapped: Data, caseID: UUID) throws(Failure) -> CaseSealKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            let raw = try AES.GCM.open(box, using: self.key, authenticating: Self.context(caseID))
            return CaseSealKey(key: SymmetricKey(data: raw), caseID: caseID)
        } catch {
            throw .cannotOpen
        }
    }

    /// A case key wrapped by this key, wrapped again by `new` (a rotation).
    public func rewrap(_ wrapped: Data, caseID: UUID, with new: SealKey) throws -> Data {
        try new.wrap(try self.unwrap(wrapped, caseID: caseID).key, caseID: caseID)
    }

    static func context(_ caseID: UUID) -> Data { Data("dms-seal/1 case-key \(caseID.uuidString.lowercased())".utf8) }
}

/// One case's key: seals and opens that case's offers, each bound to its case and its id.
public struct CaseSealKey: Sendable {
    let key: SymmetricKey
    let caseID: UUID

    /// What a sealed offer holds: the file's name and type, then its bytes.
    public struct Contents: Sendable, Hashable {
        public let filename: String
        public let mediaType: MediaType
        public let bytes: Data

        public init(filename: String, mediaType: MediaType, bytes: Data) {
            self.filename = filename
            self.mediaType = mediaType
            self.bytes = bytes
        }
    }

    public func seal(_ contents: Contents, offerID: UUID) throws -> Data {
        var plain = Data()
        let header = Data("\(contents.mediaType.rawValue)\n\(contents.filename)".utf8)
        var length = UInt32(header.count).bigEndian
        withUnsafeBytes(of: &length) { plain.append(contentsOf: $0) }
        plain.append(header)
        plain.append(contents.bytes)
        guard let combined = try AES.GCM.seal(plain, using: self.key, authenticating: self.context(offerID)).combined else {
            throw SealKey.Failure.cannotOpen
        }
        return combined
    }

    public func open(_ envelope: Data, offerID: UUID) throws(SealKey.Failure) -> Contents {
        let plain: Data
        do {
            plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: envelope), using: self.key, authenticating: self.context(offerID))
        } catch {
            throw .cannotOpen
        }
        guard plain.count >= 4 else { throw .cannotOpen }
        let length = plain.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard plain.count >= 4 + length else { throw .cannotOpen }
        let header = String(decoding: plain.dropFirst(4).prefix(length), as: UTF8.self)
        guard let newline = header.firstIndex(of: "\n"), let media = MediaType(rawValue: String(header[..<newline])) else { throw .cannotOpen }
        return Contents(filename: String(header[header.index(after: newline)...]), mediaType: media, bytes: Data(plain.dropFirst(4 + length)))
    }

    func context(_ offerID: UUID) -> Data {
        Data("dms-seal/1 offer \(self.caseID.uuidString.lowercased()) \(offerID.uuidString.lowercased())".utf8)
    }
}
