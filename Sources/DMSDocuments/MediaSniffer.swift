import DMSCore
import Foundation

/// Decides what a file is from its bytes (magic numbers, OOXML content types), never from its
/// name, and refuses what DMS cannot read safely.
public struct MediaSniffer: Sendable {
    public let limits: ArchiveLimits

    public init(limits: ArchiveLimits = ArchiveLimits()) {
        self.limits = limits
    }

    public func mediaType(of data: Data) throws(DocumentError) -> MediaType {
        guard !data.isEmpty else { throw .empty }
        if Self.isPDF(data) {
            try Self.checkPDF(data)
            return .pdf
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try OfficeArchive(data: data, limits: self.limits).mediaType()
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // OLE compound file: Word/Excel 97-2003, or a password-protected OOXML file.
            if data.range(of: Data("EncryptionInfo".utf16LittleEndianBytes)) != nil { throw .encrypted }
            throw .legacyOffice
        }
        throw .unsupported(Self.describe(data))
    }

    /// `%PDF-` within the first 1024 bytes, as readers tolerate.
    static func isPDF(_ data: Data) -> Bool {
        data.prefix(1024).range(of: Data("%PDF-".utf8)) != nil
    }

    static func checkPDF(_ data: Data) throws(DocumentError) {
        guard data.suffix(2048).range(of: Data("%%EOF".utf8)) != nil else {
            throw .corrupt("PDF tronqué : marqueur de fin %%EOF absent")
        }
        if data.range(of: Data("/Encrypt".utf8)) != nil { throw .encrypted }
    }

    /// A short, safe description of unrecognised content for the error message.
    static func describe(_ data: Data) -> String {
        if data.starts(with: [0x4D, 0x5A]) { return "exécutable Windows" }
        if data.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "exécutable" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) || data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image" }
        if data.starts(with: Data("{\\rtf".utf8)) { return "RTF" }
        return "format inconnu"
    }
}

extension String {
    var utf16LittleEndianBytes: [UInt8] {
        self.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
}
