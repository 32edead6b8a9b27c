import DMSCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text of a stored document, line by line with page or paragraph numbers. PDFs go through
/// `pdftotext -layout` (poppler-utils). A PDF without a text layer (a scan) is read by OCR: each
/// page rendered by `pdftoppm` and read by `tesseract -l fra`, within `ocrPageBudget`, at most
/// `ocrMaxPages` pages; its text is marked `.ocr` (every value then `low`). Without Tesseract it
/// gives no line and a warning (the analysis marks every field `REVUE MANUELLE`), not an error.
public struct TextExtractor: Sendable {
    public let limits: ArchiveLimits
    public let pdftotext: String
    public let timeout: Duration
    public let pdftoppm: String
    public let tesseract: String
    /// Render and OCR of one page; a page over it is skipped with a warning.
    public let ocrPageBudget: Duration
    /// Pages OCR'd at most; the others are skipped with a warning.
    public let ocrMaxPages: Int

    public init(limits: ArchiveLimits = ArchiveLimits(), pdftotext: String = "/usr/bin/pdftotext", timeout: Duration = .seconds(60),
                pdftoppm: String = "/usr/bin/pdftoppm", tesseract: String = "/usr/bin/tesseract",
                ocrPageBudget: Duration = .seconds(20), ocrMaxPages: Int = 30) {
        self.limits = limits
        self.pdftotext = pdftotext
        self.timeout = timeout
        self.pdftoppm = pdftoppm
        self.tesseract = tesseract
        self.ocrPageBudget = ocrPageBudget
        self.ocrMaxPages = ocrMaxPages
    }

    /// Fails at start, not at the first analysis, when poppler-utils is missing. Tesseract is
    /// optional (see `ocrAvailable`).
    public func checkAvailable() throws(DocumentError) {
        guard FileManager.default.isExecutableFile(atPath: self.pdftotext) else {
            throw .unsupported("\(self.pdftotext) introuvable : installez poppler-utils (apt-get install poppler-utils)")
        }
    }

    /// Whether scanned PDFs can be read: `pdftoppm` and `tesseract` are installed.
    public var ocrAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: self.pdftoppm) && FileManager.default.isExecutableFile(atPath: self.tesseract)
    }

    public func text(of data: Data, mediaType: MediaType, documentID: UUID, sha256: String) async throws -> DocumentText {
        switch mediaType {
        case .docx:
            return DocumentText(documentID: documentID, sha256: sha256, lines: try OfficeText.docx(try OfficeArchive(data: data, limits: self.limits)))
        case .xlsx:
            return DocumentText(documentID: documentID, sha256: sha256, lines: try OfficeText.xlsx(try OfficeArchive(data: data, limits: self.limits)))
        case .pdf:
            let output = try await PDFToText(executable: self.pdftotext, timeout: self.timeout).run(data)
            let lines = LayoutText.lines(output)
            guard lines.isEmpty else { return DocumentText(documentID: documentID, sha256: sha256, lines: lines) }
            // pdftotext ends every page with a form feed, text or not.
            let pages = max(1, output.filter { $0 == "\u{0C}" }.count)
            let ocr = await self.ocr(data, pages: pages)
            return DocumentText(documentID: documentID, sha256: sha256, lines: ocr.lines, source: ocr.lines.isEmpty ? .native : .ocr,
                                warnings: ocr.warnings)
        }
    }

    /// OCR of a PDF without text, page by page. Never throws: what cannot be read is a warning.
    func ocr(_ data: Data, pages: Int) async -> (lines: [TextLine], warnings: [String]) {
        guard self.ocrAvailable else {
            return ([], ["document scanné lu sans OCR : installez tesseract-ocr et tesseract-ocr-fra (apt-get install tesseract-ocr tesseract-ocr-fra)"])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-ocr-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: folder.appendingPathComponent("in.pdf"))
        } catch {
            try? FileManager.default.removeItem(at: folder)
            return ([], ["OCR impossible : dossier temporaire non inscriptible"])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines: [TextLine] = []
        var warnings: [String] = []
        for page in 1..<(min(pages, max(self.ocrMaxPages, 0)) + 1) where !Task.isCancelled {
            // The budget runs once the page has a core: time queued behind other pages does not count.
            await OCRSlots.shared.acquire()
            let read: Result<String, any Error>
            do { read = .success(try await self.ocrPage(page, in: folder)) } catch { read = .failure(error) }
            await OCRSlots.shared.release()
            do {
                let text = try read.get()
                for line in text.split(whereSeparator: \.isNewline) {
                    let cleaned = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    if !cleaned.isEmpty { lines.append(TextLine(cleaned, at: .page(page))) }
                }
            } catch let error as OCRPageError {
                warnings.append(error.message(page: page, budget: self.ocrPageBudget))
            } catch {
                warnings.append("page \(page) : OCR impossible, page ignorée")
            }
        }
        if pages > self.ocrMaxPages {
            warnings.append("OCR limité à \(self.ocrMaxPages) page(s) : pages \(self.ocrMaxPages + 1) à \(pages) non lues")
        }
        return (lines, warnings)
    }

    /// Renders one page (`pdftoppm -r 300 -png`) and reads it (`tesseract -l fra`), both within
    /// the page's budget; each page's files are removed once read.
    func ocrPage(_ page: Int, in folder: URL) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: self.ocrPageBudget)
        func remaining() throws(OCRPageError) -> Duration {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { throw .overBudget }
            return left
        }
        let prefix = folder.appendingPathComponent("p\(page)")
        let image = folder.appendingPathComponent("p\(page).png")
        let output = folder.appendingPathComponent("t\(page)")
        let outputFile = folder.appendingPathComponent("t\(page).txt")
        defer {
            try? FileManager.default.removeItem(at: image)
            try? FileManager.default.removeItem(at: outputFile)
        }
        let render = try await Subprocess.run(self.pdftoppm, ["-r", "300", "-png", "-gray", "-singlefile", "-f", "\(page)", "-l", "\(page)",
                                                              folder.appendingPathComponent("in.pdf").path, prefix.path], timeout: try remaining())
        guard case .exited(0) = render else { throw render == .timedOut ? OCRPageError.overBudget : OCRPageError.failed("pdftoppm") }
        // One thread: the machine's cores serve other requests; a page is read in a few seconds.
        let read = try await Subprocess.run(self.tesseract, [image.path, output.path, "-l", "fra"], timeout: try remaining(),
                                            environment: ["OMP_THREAD_LIMIT": "1"])
        guard case .exited(0) = read else { throw read == .timedOut ? OCRPageError.overBudget : OCRPageError.failed("tesseract") }
        return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }
}

/// At most one page OCR'd per core at a time in the process: a burst of scanned offers queues
/// instead of starving the server (and every page of its budget).
actor OCRSlots {
    static let shared = OCRSlots(count: max(1, ProcessInfo.processInfo.activeProcessorCount))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.free = count }

    func acquire() async {
        if self.free > 0 {
            self.free -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    func release() {
        if self.waiting.isEmpty { self.free += 1 } else { self.waiting.removeFirst().resume() }
    }
}

enum OCRPageError: Error {
    case overBudget
    case failed(String)

    func message(page: Int, budget: Duration) -> String {
        switch self {
        case .overBudget:
            let (seconds, attoseconds) = budget.components
            let shown = attoseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
            return "page \(page) : OCR au-delà de \(shown), page ignorée"
        case .failed("tesseract"):
            return "page \(page) : tesseract a échoué (langue fra installée ? apt-get install tesseract-ocr-fra), page ignorée"
        case .failed(let tool):
            return "page \(page) : \(tool) a échoué, page ignorée"
        }
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
        // Hostile PDFs can make pdftotext spin: it is stopped after `timeout`.
        let outcome = try await Subprocess.run(self.executable, ["-layout", "-enc", "UTF-8", "-q", input.path, outputFile.path], timeout: self.timeout)
        guard case .exited(0) = outcome else {
            let code = if case .exited(let status) = outcome { "code \(status)" } else { "délai dépassé" }
            throw DocumentError.corrupt("PDF illisible (pdftotext a échoué, \(code))")
        }
        return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }
}

/// A tool run as a child process, awaited without blocking a thread (the event loop included):
/// its end is reported by `terminationHandler`. A watchdog stops it after `timeout`.
enum Subprocess {
    enum Outcome: Equatable {
        case exited(Int32)
        case timedOut
    }

    /// `output`: a file the tool's standard output is written to (`pdfinfo` prints to it only).
    static func run(_ executable: String, _ arguments: [String], timeout: Duration, environment: [String: String] = [:],
                    output: URL? = nil) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        var outputHandle: FileHandle?
        if let output {
            guard FileManager.default.createFile(atPath: output.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: output.path) else {
                throw DocumentError.unsupported("fichier temporaire non inscriptible")
            }
            outputHandle = handle
        }
        defer { try? outputHandle?.close() }
        process.standardOutput = outputHandle ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let handle = ProcessHandle(process)
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            handle.terminate()
            // A tool that ignores SIGTERM is killed.
            try await Task.sleep(for: .seconds(2))
            handle.kill()
        }
        defer { watchdog.cancel() }
        let outcome: Outcome = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                let stopped = process.terminationReason == .uncaughtSignal && handle.terminated
                continuation.resume(returning: stopped ? .timedOut : .exited(process.terminationStatus))
            }
            do {
                try process.run()
                handle.didStart()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: DocumentError.unsupported("\(URL(fileURLWithPath: executable).lastPathComponent) n'a pas pu être lancé"))
            }
        }
        return outcome
    }
}

/// `Process` is not Sendable; terminating it from the watchdog is safe (it only signals). A
/// watchdog that fires before the process has started stops it as soon as it starts.
private final class ProcessHandle: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var started = false
    private var stopped = false

    init(_ process: Process) { self.process = process }

    /// Whether the watchdog asked the process to stop.
    var terminated: Bool { self.lock.withLock { self.stopped } }

    func didStart() {
        let stop = self.lock.withLock {
            self.started = true
            return self.stopped
        }
        if stop { self.process.terminate() }
    }

    func terminate() {
        let running = self.lock.withLock {
            self.stopped = true
            return self.started
        }
        if running, self.process.isRunning { self.process.terminate() }
    }

    func kill() {
        guard self.terminated, self.process.isRunning else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(self.process.processIdentifier, SIGKILL)
        #else
        _ = Darwin.kill(self.process.processIdentifier, SIGKILL)
        #endif
    }
}
