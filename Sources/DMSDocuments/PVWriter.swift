import DMSCore
import Foundation
import ZIPFoundation

/// Writes a PV (procès-verbal) as a .docx: the template kept in the repository as its unpacked
/// XML parts (`Resources/pv`: real Word styles, header, footer with page numbers), the body and
/// the placeholders filled, zipped in memory.
public struct PVWriter: Sendable {
    public static let mediaType = MediaType.docx.rawValue

    public init() {}

    public func write(_ report: CaseReport, kind: PVKind, committee: [String]) throws -> Data {
        let values: [String: String] = [
            "{{BODY}}": PVBody(report: report, kind: kind, committee: committee).xml,
            "{{CASE_TITLE}}": WordML.escape(report.title),
            "{{DOC_TITLE}}": WordML.escape(kind.title),
            "{{CASE_ID}}": report.caseID.uuidString.lowercased(),
            "{{HEAD_HASH}}": report.headHash,
            "{{GENERATED_AT}}": WordML.escape(report.generatedAt),
            "{{CREATED}}": report.generatedAtISO8601,
            "{{DESCRIPTION}}": WordML.escape("Généré par DMS, état du dossier au \(report.generatedAt) ; empreinte de la mémoire \(report.headHash)"),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        // The entries carry the state's time, not the clock's: the same state gives the same bytes.
        let stamp = Date(timeIntervalSince1970: TimeInterval(report.generatedAtEpoch))
        for (path, template) in try Self.template() {
            let bytes = Data(Self.fill(template, values).utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: stamp, compressionMethod: .deflate,
                                 provider: { position, size in bytes.subdata(in: Int(position)..<Int(position) + size) })
        }
        guard let data = archive.data else { throw ReportError.writeFailed("docx archive") }
        return data
    }

    /// Replaces each `{{NAME}}` of the template in one pass, so a value that happens to contain
    /// a placeholder's text is never filled again.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.lowerBound..<close.upperBound])
            output += rest[..<open.lowerBound]
            output += values[name] ?? name
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// The template's parts, `[Content_Types].xml` first as Office expects.
    static func template() throws -> [(String, String)] {
        guard let root = Bundle.module.url(forResource: "pv", withExtension: nil) else {
            throw ReportError.writeFailed("PV template missing from the resource bundle")
        }
        let base = root.standardizedFileURL.path + "/"
        var parts: [(String, String)] = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        while let url = files?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(base.count))
            parts.append((path, try String(contentsOf: url, encoding: .utf8)))
        }
        guard parts.contains(where: { $0.0 == "_rels/.rels" }), parts.contains(where: { $0.0 == "word/document.xml" }) else {
            throw ReportError.writeFailed("PV template incomplete: \(parts.map(\.0).sorted())")
        }
        return parts.sorted { ($0.0 == "[Content_Types].xml" ? "" : $0.0) < ($1.0 == "[Content_Types].xml" ? "" : $1.0) }
    }
}
