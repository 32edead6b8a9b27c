import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// Reads a `multipart/form-data` body as it streams in: the size limit is enforced from
/// `Content-Length` before reading and while reading otherwise, and each file is hashed chunk by chunk.
struct MultipartUpload {
    /// Largest request body accepted.
    let maxBytes: Int
    /// Form field names that carry files.
    static let fileFields: Set<String> = ["file", "files", "file[]", "files[]"]

    func read(_ request: Request) async throws -> [IncomingFile] {
        guard let boundary = Self.boundary(request.headers[.contentType]) else {
            throw APIError.unsupportedMediaType(expected: "multipart/form-data (champ « file »)")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > self.maxBytes {
            throw DocumentError.tooLarge(limitBytes: self.maxBytes)
        }
        let collector = PartCollector()
        var parser = MultipartStreamParser(boundary: boundary)
        var received = 0
        for try await chunk in request.body {
            received += chunk.readableBytes
            guard received <= self.maxBytes else { throw DocumentError.tooLarge(limitBytes: self.maxBytes) }
            do {
                try parser.feed(chunk) { event in collector.handle(event) }
            } catch let error as MultipartStreamParser.ParseError {
                guard case .syntax(let why) = error else { throw error }
                throw APIError.malformedMultipart(why)
            }
        }
        guard parser.isComplete else { throw APIError.malformedMultipart("corps multipart incomplet") }
        guard !collector.files.isEmpty else { throw ValidationError(field: "file", message: "aucun fichier : envoyez le fichier dans le champ « file »") }
        return collector.files
    }

    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("boundary=") {
            var value = String(parameter.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }
}

/// Turns the parser's events into files. Lives inside one request's task only.
private final class PartCollector {
    private var disposition = ContentDisposition("")
    private var buffer = ByteBuffer()
    private var hasher = ContentHasher()
    private(set) var files: [IncomingFile] = []

    func handle(_ event: MultipartStreamParser.Event) {
        switch event {
        case .headers(let headers):
            self.disposition = ContentDisposition(headers["content-disposition"] ?? "")
        case .body(var chunk):
            guard self.isFile else { return }
            chunk.withUnsafeReadableBytes { self.hasher.update($0) }
            self.buffer.writeBuffer(&chunk)
        case .partEnd:
            if self.isFile {
                self.files.append(IncomingFile(clientName: self.disposition.filename, content: self.buffer, sha256: self.hasher.finalize()))
            }
            self.disposition = ContentDisposition("")
            self.buffer = ByteBuffer()
            self.hasher = ContentHasher()
        }
    }

    private var isFile: Bool {
        self.disposition.name.map(MultipartUpload.fileFields.contains) ?? false
    }
}

/// `form-data; name="file"; filename="offre.pdf"` (and RFC 5987 `filename*=UTF-8''…`).
struct ContentDisposition {
    var name: String?
    var filename: String?

    init(_ header: String) {
        for parameter in Self.parameters(header) {
            let pieces = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { continue }
            let key = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
            var value = pieces[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            switch key {
            case "name": self.name = value
            case "filename" where self.filename == nil: self.filename = value
            case "filename*":
                // charset'language'percent-encoded
                let encoded = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if encoded.count == 3, let decoded = String(encoded[2]).removingPercentEncoding { self.filename = decoded }
            default: continue
            }
        }
    }

    /// Splits on `;` outside quotes.
    private static func parameters(_ header: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current)
        return result
    }
}
