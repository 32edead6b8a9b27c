import DMSCore
import Foundation

/// The properties a file keeps about who made it: DOCX/XLSX `docProps/core.xml` (author, last
/// editor, creation time) and `docProps/app.xml` (company, template); PDF `Author`, `Creator`,
/// `Producer` and `CreationDate` as `pdfinfo` (poppler-utils, beside `pdftotext`) reads them.
/// Never fails an analysis: a file whose properties cannot be read simply has none.
public struct MetadataReader: Sendable {
    public let limits: ArchiveLimits
    public let pdfinfo: String
    public let timeout: Duration

    public init(limits: ArchiveLimits = ArchiveLimits(), pdfinfo: String = "/usr/bin/pdfinfo", timeout: Duration = .seconds(20)) {
        self.limits = limits
        self.pdfinfo = pdfinfo
        self.timeout = timeout
    }

    public func metadata(of data: Data, mediaType: MediaType, documentID: UUID, sha256: String) async -> DocumentMetadata? {
        switch mediaType {
        case .docx, .xlsx:
            guard let archive = try? OfficeArchive(data: data, limits: self.limits) else { return nil }
            return try? Self.office(archive, documentID: documentID, sha256: sha256)
        case .pdf:
            guard FileManager.default.isExecutableFile(atPath: self.pdfinfo), let output = try? await self.runPDFInfo(data) else { return nil }
            return Self.pdf(output, documentID: documentID, sha256: sha256)
        }
    }

    // MARK: office

    static func office(_ archive: OfficeArchive, documentID: UUID, sha256: String) throws(DocumentError) -> DocumentMetadata? {
        let core = try archive.part("docProps/core.xml").map { Self.elements(String(decoding: $0, as: UTF8.self)) } ?? [:]
        let app = try archive.part("docProps/app.xml").map { Self.elements(String(decoding: $0, as: UTF8.self)) } ?? [:]
        guard !core.isEmpty || !app.isEmpty else { return nil }
        var values: [MetadataField: String] = [:]
        values[.author] = core["creator"]
        values[.lastModifiedBy] = core["lastModifiedBy"]
        values[.company] = app["Company"]
        values[.template] = app["Template"]
        return DocumentMetadata(documentID: documentID, sha256: sha256, format: .office, values: values,
                                created: core["created"].flatMap(Self.date))
    }

    /// The text of each element, by local name (`dc:creator` → `creator`), first occurrence.
    static func elements(_ xml: String) -> [String: String] {
        var values: [String: String] = [:]
        var current: String?
        var text = ""
        for token in XMLScanner.tokens(xml) {
            switch token {
            case .start(let name, _, false):
                current = String(name.split(separator: ":").last ?? Substring(name))
                text = ""
            case .text(let chunk) where current != nil:
                text += chunk
            case .end(let name):
                let local = String(name.split(separator: ":").last ?? Substring(name))
                if local == current, values[local] == nil { values[local] = text.trimmingWhitespace() }
                current = nil
            default:
                continue
            }
        }
        return values
    }

    // MARK: PDF

    func runPDFInfo(_ data: Data) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-pdfinfo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf")
        let output = folder.appendingPathComponent("info.txt")
        try data.write(to: input)
        let outcome = try await Subprocess.run(self.pdfinfo, ["-enc", "UTF-8", "-isodates", input.path], timeout: self.timeout, output: output)
        guard case .exited(0) = outcome else { throw DocumentError.corrupt("pdfinfo a échoué") }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// `Author:          K. Traoré` lines, as `pdfinfo -isodates` prints them.
    static func pdf(_ output: String, documentID: UUID, sha256: String) -> DocumentMetadata {
        var fields: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            if fields[key] == nil { fields[key] = String(line[line.index(after: colon)...]).trimmingWhitespace() }
        }
        var values: [MetadataField: String] = [:]
        values[.author] = fields["Author"]
        values[.creatorTool] = fields["Creator"]
        values[.producer] = fields["Producer"]
        return DocumentMetadata(documentID: documentID, sha256: sha256, format: .pdf, values: values,
                                created: fields["CreationDate"].flatMap(Self.date))
    }

    /// W3CDTF / ISO 8601 (`2026-03-01T10:22:33Z`, `…+01:00`, with or without fractions).
    static func date(_ text: String) -> Date? {
        var trimmed = text.trimmingWhitespace()
        // `…+02` (an offset in hours only, as some PDF writers leave it) → `…+02:00`.
        if trimmed.count > 3, let sign = trimmed.dropLast(2).last, sign == "+" || sign == "-", trimmed.suffix(2).allSatisfy(\.isNumber),
           trimmed.dropLast(3).contains("T") {
            trimmed += ":00"
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: trimmed) { return date }
        // `2026-03-01T10:22:33` without a zone: read as UTC.
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: trimmed)
    }
}
