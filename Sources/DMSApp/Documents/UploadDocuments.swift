import CoreMetrics
import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import Logging
import NIOCore

/// One file as received: its bytes (held once), their SHA-256 computed while reading, and the
/// name the client gave (for display only).
public struct IncomingFile: Sendable {
    public let clientName: String?
    public let content: ByteBuffer
    public let sha256: String

    public init(clientName: String?, content: ByteBuffer, sha256: String) {
        self.clientName = clientName
        self.content = content
        self.sha256 = sha256
    }
}

/// Deposits files in a case: what each file is comes from its bytes (archive limits included),
/// its name is cleaned for display, and all of them are stored in one transaction.
public struct UploadDocuments: Sendable {
    let documents: DocumentRepository
    let sniffer: MediaSniffer
    /// Bytes of new documents stored (a file already in the case stores nothing).
    let uploadedBytes: Counter

    public static let uploadedBytesMetric = "dms_upload_bytes_total"

    /// One transaction stores them all: beyond this, split the upload (it would outlast the deadline).
    public static let maxFilesPerUpload = 50

    public func run(_ files: [IncomingFile], kind rawKind: String?, caseID: UUID, actor: Principal, logger: Logger) async throws -> [UploadOutcome] {
        try AccessPolicy.check(.uploadDocuments, actor)
        let kind = try Self.kind(rawKind)
        guard !files.isEmpty else { throw ValidationError(field: "file", message: "aucun fichier reçu (champ « file »)") }
        guard files.count <= Self.maxFilesPerUpload else {
            throw ValidationError(field: "file", message: "au plus \(Self.maxFilesPerUpload) fichiers par envoi")
        }
        guard files.count == 1 || kind.allowsSeveralFiles else {
            throw ValidationError(field: "file", message: "un seul fichier pour « \(kind.rawValue) » (plusieurs fichiers seulement pour « offer »)")
        }
        let prepared = try files.map { file throws(DocumentError) in try self.prepare(file, kind: kind) }
        let outcomes = try await self.documents.store(prepared, caseID: caseID, actor: actor, logger: logger)
        self.uploadedBytes.increment(by: outcomes.reduce(0) { total, outcome in
            switch outcome {
            case .stored(let stored): total + (stored.created ? stored.document.size : 0)
            case .sealed(let sealed): total + sealed.size
            }
        })
        return outcomes
    }

    public static func kind(_ raw: String?) throws(ValidationError) -> DocumentKind {
        guard let raw, let kind = DocumentKind(rawValue: raw) else {
            let known = DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "kind", message: "type de document inconnu : attendu \(known)")
        }
        return kind
    }

    /// Bytes → a document DMS can store: type from the content, archive limits, display name.
    private func prepare(_ file: IncomingFile, kind: DocumentKind) throws(DocumentError) -> NewDocument {
        let mediaType = try file.content.withUnsafeReadableBytes { bytes throws(DocumentError) in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { throw DocumentError.empty }
            // A view of the received bytes, not a copy: the file stays in memory once.
            let view = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
            return try sniffer.mediaType(of: view)
        }
        let name = FileName.sanitize(file.clientName, fallbackExtension: mediaType.fileExtension)
        return NewDocument(kind: kind, filename: name, mediaType: mediaType, sha256: file.sha256, content: file.content)
    }
}
