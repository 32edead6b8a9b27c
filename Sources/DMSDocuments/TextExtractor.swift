import DMSCore
import Foundation

/// The text of a stored document, line by line with page or paragraph numbers. PDFs go through
/// `pdftotext -layout` (poppler-utils); a PDF without a text layer gives no line (and the
/// analysis then marks every field `REVUE MANUELLE`), not an error.
public struct TextExtractor: Sendable {
    public let limits: ArchiveLimits
    public let pdftotext: String
    public let timeout: Duration

    public init(limits: ArchiveLimits = ArchiveLimits(), pdftotext: String = "/usr/bin/pdftotext", timeout: Duration = .seconds(60)) {
        self.limits = limits
        self.pdftotext = pdftotext
        self.timeout = timeout
    }

    /// Fails at start, not at the first analysis, when poppler-utils is missing.
    public func checkAvailable() throws(DocumentError) {
        guard FileManager.default.isExecutableFile(atPath: self.pdftotext) else {
            throw .unsupported("\(self.pdftotext) introuvable : installez poppler-utils (apt-get install poppler-utils)")
        }
    }

    public func text(of data: Data, mediaType: MediaType, documentID: UUID, sha256: String) async throws -> DocumentText {
        let lines: [TextLine]
        switch mediaType {
        case .docx: lines = try OfficeText.docx(try OfficeArchive(data: data, limits: self.limits))
        case .xlsx: lines = try OfficeText.xlsx(try OfficeArchive(data: data, limits: self.limits))
        case .pdf: lines = try await self.pdf(data)
        }
        return DocumentText(documentID: documentID, sha256: sha256, lines: lines)
    }

    func pdf(_ data: Data) async throws -> [TextLine] {
        LayoutText.lines(try await PDFToText(executable: self.pdftotext, timeout: self.timeout).run(data))
    }
}

/// One `pdftotext` run on a temporary file, bounded in time.
struct PDFToText {
    let executable: String
    let timeout: Duration

    func run(_ data: Data) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf")
        let outputFile = folder.appendingPathComponent("out.txt")
        try data.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.executable)
        process.arguments = ["-layout", "-enc", "UTF-8", "-q", input.path, outputFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Hostile PDFs can make pdftotext spin: it is stopped after `timeout`.
        let handle = ProcessHandle(process)
        let timeout = self.timeout
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            handle.terminate()
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: DocumentError.unsupported("pdftotext n'a pas pu être lancé"))
            }
        }
        guard status == 0 else { throw DocumentError.corrupt("PDF illisible (pdftotext a échoué, code \(status))") }
        return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }
}

/// `Process` is not Sendable; terminating it from the watchdog is safe (it only signals).
private final class ProcessHandle: @unchecked Sendable {
    private let process: Process

    init(_ process: Process) { self.process = process }

    func terminate() {
        if self.process.isRunning { self.process.terminate() }
    }
}
