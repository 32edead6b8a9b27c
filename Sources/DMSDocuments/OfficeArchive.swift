import DMSCore
import Foundation
import ZIPFoundation

/// Bounds on what an uploaded Office file (a ZIP archive) may contain before DMS opens it.
public struct ArchiveLimits: Sendable, Hashable {
    public var maxEntries: Int
    public var maxTotalUncompressedBytes: UInt64
    /// Uncompressed/compressed size of any one entry; XML compresses ~10–30×, bombs by 1000×.
    public var maxCompressionRatio: UInt64
    /// Budget for any part read out of the archive.
    public var maxPartBytes: Int

    public init(maxEntries: Int = 5_000, maxTotalUncompressedBytes: UInt64 = 300 << 20,
                maxCompressionRatio: UInt64 = 200, maxPartBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxTotalUncompressedBytes = maxTotalUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxPartBytes = maxPartBytes
    }
}

/// An OOXML package opened with limits: the central directory is checked before any byte is
/// inflated, and every part is read against a byte budget, so a ZIP bomb is refused, not unpacked.
public struct OfficeArchive {
    let archive: Archive
    let limits: ArchiveLimits

    public init(data: Data, limits: ArchiveLimits) throws(DocumentError) {
        do {
            self.archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw .corrupt("archive ZIP illisible")
        }
        self.limits = limits
        try self.checkDirectory()
    }

    private func checkDirectory() throws(DocumentError) {
        var count = 0
        var total: UInt64 = 0
        for entry in self.archive {
            count += 1
            guard count <= self.limits.maxEntries else {
                throw .archiveTooLarge("plus de \(self.limits.maxEntries) éléments dans l'archive")
            }
            let (sum, overflow) = total.addingReportingOverflow(entry.uncompressedSize)
            guard !overflow, sum <= self.limits.maxTotalUncompressedBytes else {
                throw .archiveTooLarge("contenu décompressé supérieur à \(self.limits.maxTotalUncompressedBytes >> 20) Mo")
            }
            total = sum
            if entry.uncompressedSize > 1 << 20, entry.uncompressedSize / max(entry.compressedSize, 1) > self.limits.maxCompressionRatio {
                throw .archiveTooLarge("taux de compression anormal (archive piégée ?)")
            }
        }
        guard count > 0 else { throw .corrupt("archive ZIP vide") }
    }

    /// DOCX or XLSX, from `[Content_Types].xml`; any other ZIP is unsupported.
    public func mediaType() throws(DocumentError) -> MediaType {
        guard let types = try self.part("[Content_Types].xml") else {
            throw .unsupported("archive ZIP qui n'est pas un document Office")
        }
        let text = String(decoding: types, as: UTF8.self)
        if text.contains("wordprocessingml.document.main+xml") || text.contains("wordprocessingml.template.main+xml") { return .docx }
        if text.contains("spreadsheetml.sheet.main+xml") || text.contains("spreadsheetml.template.main+xml") { return .xlsx }
        throw .unsupported("document Office autre que Word (.docx) ou Excel (.xlsx)")
    }

    /// The bytes of one part, or nil when absent; refuses parts over the budget while inflating.
    public func part(_ path: String) throws(DocumentError) -> Data? {
        guard let entry = self.archive[path] else { return nil }
        let budget = self.limits.maxPartBytes
        var bytes = Data()
        do {
            _ = try self.archive.extract(entry, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= budget else { throw PartTooLarge() }
                bytes.append(chunk)
            }
        } catch is PartTooLarge {
            throw .archiveTooLarge("élément « \(path) » supérieur à \(budget >> 20) Mo une fois décompressé")
        } catch {
            throw .corrupt("élément « \(path) » illisible")
        }
        return bytes
    }

    private struct PartTooLarge: Error {}
}
