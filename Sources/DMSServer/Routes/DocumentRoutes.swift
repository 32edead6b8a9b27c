import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import HTTPTypes
import Hummingbird

/// Depositing files in a case and reading them back. What a file is comes from its bytes; its
/// name is kept for display only.
struct DocumentRoutes {
    let documents: DocumentRepository
    let upload: MultipartUpload
    let sniffer: MediaSniffer

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/upload/{case_id}/{kind}") { request, context -> Response in
            let caseID = try context.caseID("case_id")
            let kind = try Self.kind(context.parameters.get("kind"))
            let actor = try request.actor()
            let files = try await upload.read(request)
            guard files.count <= Self.maxFilesPerUpload else {
                throw ValidationError(field: "file", message: "au plus \(Self.maxFilesPerUpload) fichiers par envoi")
            }
            guard files.count == 1 || kind.allowsSeveralFiles else {
                throw ValidationError(field: "file", message: "un seul fichier pour « \(kind.rawValue) » (plusieurs fichiers seulement pour « offer »)")
            }
            let prepared = try files.map { file throws(DocumentError) in try self.prepare(file, kind: kind) }
            let stored = try await documents.store(prepared, caseID: caseID, actor: actor, logger: context.logger)
            let status: HTTPResponse.Status = stored.contains(where: \.created) ? .created : .ok
            if stored.count == 1 {
                return try EditedResponse(status: status, response: DocumentDTO(stored[0].document)).response(from: request, context: context)
            }
            return try EditedResponse(status: status, response: DocumentListDTO(documents: stored.map { DocumentDTO($0.document) }))
                .response(from: request, context: context)
        }

        router.get("/api/documents/{id}") { request, context -> Response in
            guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw) else { throw DocumentError.notFound(UUID()) }
            let (document, content) = try await documents.content(id: id, logger: context.logger)
            let etag = "\"\(document.sha256)\""
            var headers: HTTPFields = [
                .contentType: document.mediaType.rawValue,
                .contentDisposition: Self.attachment(document.filename),
                .eTag: etag,
                .cacheControl: "private, max-age=31536000, immutable",
                .contentLength: String(content.readableBytes),
            ]
            if request.headers[.ifNoneMatch] == etag {
                headers[.contentLength] = nil
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: content))
        }
    }

    /// Bytes → a document DMS can store: type from the content, archive limits, display name.
    private func prepare(_ file: UploadedFile, kind: DocumentKind) throws(DocumentError) -> NewDocument {
        let mediaType = try file.content.withUnsafeReadableBytes { bytes throws(DocumentError) in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { throw DocumentError.empty }
            // A view of the received bytes, not a copy: the file stays in memory once.
            let view = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
            return try sniffer.mediaType(of: view)
        }
        let name = FileName.sanitize(file.clientName, fallbackExtension: mediaType.fileExtension)
        return NewDocument(kind: kind, filename: name, mediaType: mediaType, sha256: file.sha256, content: file.content)
    }

    /// One transaction stores them all: beyond this, split the upload (it would outlast the deadline).
    static let maxFilesPerUpload = 50

    static func kind(_ raw: String?) throws -> DocumentKind {
        guard let raw, let kind = DocumentKind(rawValue: raw) else {
            let known = DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "kind", message: "type de document inconnu : attendu \(known)")
        }
        return kind
    }

    /// RFC 6266 with an ASCII fallback and the exact UTF-8 name in `filename*` (RFC 5987).
    static func attachment(_ filename: String) -> String {
        let fallback = String(filename.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

struct DocumentDTO: ResponseEncodable, Sendable {
    let document: Document

    init(_ document: Document) { self.document = document }

    func encode(to encoder: any Encoder) throws { try self.document.encode(to: encoder) }
}

struct DocumentListDTO: ResponseEncodable, Sendable {
    let documents: [DocumentDTO]
}
