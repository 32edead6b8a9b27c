import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A file ready to be stored: already sniffed, hashed and named.
public struct NewDocument: Sendable {
    public let kind: DocumentKind
    public let filename: String
    public let mediaType: MediaType
    public let sha256: String
    public let content: ByteBuffer

    public init(kind: DocumentKind, filename: String, mediaType: MediaType, sha256: String, content: ByteBuffer) {
        self.kind = kind
        self.filename = filename
        self.mediaType = mediaType
        self.sha256 = sha256
        self.content = content
    }
}

/// A stored document and whether this request created it (false: the same bytes were already there).
public struct StoredDocument: Sendable {
    public let document: Document
    public let created: Bool
}

/// What became of an uploaded file: a document, or an offer sealed until the opening session.
public enum UploadOutcome: Sendable {
    case stored(StoredDocument)
    case sealed(SealedOffer)
}

/// Document metadata and bytes in PostgreSQL.
public struct DocumentRepository: Sendable {
    let database: Database
    let sealKey: SealKey?

    public init(database: Database, sealKey: SealKey? = nil) {
        self.database = database
        self.sealKey = sealKey
    }

    /// Stores every file in one transaction, each with its event. The case row is share-locked so
    /// a concurrent decide or opening session waits; a decided case refuses new documents. While
    /// the case seals offers (a deadline, no opening yet), offers are sealed, not stored readable;
    /// an offer after the deadline is marked late, never refused.
    public func store(_ files: [NewDocument], caseID: UUID, actor: Principal, logger: Logger) async throws -> [UploadOutcome] {
        let sealKey = self.sealKey
        return try await self.database.transaction(logger: logger) { connection in
            let state = try await connection.query("""
                SELECT status, deadline_at IS NOT NULL AND opened_at IS NULL, deadline_at IS NOT NULL AND now() > deadline_at
                FROM cases WHERE id = \(caseID) FOR SHARE
                """, logger: logger)
            var found: (status: String, seals: Bool, late: Bool)?
            for try await row in state.decode((String, Bool, Bool).self) { found = row }
            guard let found else { throw CaseError.notFound(caseID) }
            guard found.status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            var outcomes: [UploadOutcome] = []
            for file in files {
                if file.kind == .offer, found.seals {
                    outcomes.append(.sealed(try await ProcedureRepository.seal(file, caseID: caseID, late: found.late, sealKey: sealKey, actor: actor,
                                                                                on: connection, logger: logger)))
                } else {
                    let late = file.kind == .offer && found.late
                    outcomes.append(.stored(try await Self.store(file, caseID: caseID, late: late, actor: actor, on: connection, logger: logger)))
                }
            }
            return outcomes
        }
    }

    private static func store(_ file: NewDocument, caseID: UUID, late: Bool, actor: Principal, on connection: PostgresConnection, logger: Logger) async throws -> StoredDocument {
        // The id is chosen here so that the event's payload is built (and pinned) in Swift.
        let id = UUID()
        let payload = EventPayload.documentUploaded(id: id, kind: file.kind, filename: file.filename, mediaType: file.mediaType,
                                                    size: file.content.readableBytes, sha256: file.sha256, late: late, sealedOfferID: nil)
        let rows = try await connection.query("""
            WITH target AS (
                SELECT id, status FROM cases WHERE id = \(caseID) FOR SHARE
            ), inserted AS (
                INSERT INTO documents (id, case_id, kind, filename, media_type, size, sha256, uploaded_by, late)
                SELECT \(id), id, \(file.kind.rawValue), \(file.filename), \(file.mediaType.rawValue), \(file.content.readableBytes),
                       \(file.sha256), \(actor.value), \(late)
                FROM target WHERE status <> 'decided'
                ON CONFLICT (case_id, sha256) DO NOTHING
                RETURNING *
            ), content AS (
                INSERT INTO document_contents (document_id, sha256, content)
                SELECT id, sha256, \(file.content) FROM inserted
            ), event AS (
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT case_id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM inserted
            ), found AS (
                SELECT * FROM inserted
                UNION ALL
                SELECT d.* FROM documents d JOIN target t ON d.case_id = t.id
                WHERE d.sha256 = \(file.sha256) AND NOT EXISTS (SELECT 1 FROM inserted)
            )
            SELECT t.status, EXISTS (SELECT 1 FROM inserted),
                   f.id, f.case_id, f.kind, f.filename, f.media_type, f.size, f.sha256, f.uploaded_by, iso_utc(f.uploaded_at), f.late
            FROM target t LEFT JOIN found f ON true
            """, logger: logger)
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let status = try columns[0].decode(String.self, context: .default)
            let created = try columns[1].decode(Bool.self, context: .default)
            guard try columns[2].decode(UUID?.self, context: .default) != nil else {
                if status == CaseStatus.decided.rawValue { throw CaseError.alreadyDecided(caseID) }
                // The same bytes are being stored by a concurrent request that has not committed.
                throw DocumentError.concurrentUpload
            }
            let read = try Document(row: row, offset: 2)
            let document = Document(id: read.id, caseID: read.caseID, kind: read.kind, filename: read.filename, mediaType: read.mediaType,
                                    size: read.size, sha256: read.sha256, uploadedBy: read.uploadedBy, uploadedAt: read.uploadedAt,
                                    late: created ? late : try columns[11].decode(Bool.self, context: .default))
            return StoredDocument(document: document, created: created)
        }
        throw CaseError.notFound(caseID)
    }

    /// A document's description and bytes, for download.
    public func content(id: UUID, logger: Logger) async throws -> (Document, ByteBuffer) {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT d.id, d.case_id, d.kind, d.filename, d.media_type, d.size, d.sha256, d.uploaded_by, iso_utc(d.uploaded_at), c.content
                FROM documents d JOIN document_contents c ON c.document_id = d.id
                WHERE d.id = \(id)
                """, logger: logger)
            for try await row in rows {
                let document = try Document(row: row, offset: 0)
                let columns = row.makeRandomAccess()
                return (document, try columns[9].decode(ByteBuffer.self, context: .default))
            }
            throw DocumentError.notFound(id)
        }
    }
}

extension Document {
    /// Decodes the nine document columns starting at `offset`.
    init(row: PostgresRow, offset: Int) throws {
        let columns = row.makeRandomAccess()
        guard let id = try columns[offset].decode(UUID?.self, context: .default) else { throw DatabaseError.unexpected("no document") }
        let kind = try columns[offset + 2].decode(String.self, context: .default)
        let media = try columns[offset + 4].decode(String.self, context: .default)
        guard let parsedKind = DocumentKind(rawValue: kind), let parsedMedia = MediaType(rawValue: media) else {
            throw DatabaseError.unexpected("unknown kind/media type in document \(id)")
        }
        self.init(
            id: id, caseID: try columns[offset + 1].decode(UUID.self, context: .default), kind: parsedKind,
            filename: try columns[offset + 3].decode(String.self, context: .default), mediaType: parsedMedia,
            size: try columns[offset + 5].decode(Int.self, context: .default),
            sha256: try columns[offset + 6].decode(String.self, context: .default),
            uploadedBy: try columns[offset + 7].decode(String.self, context: .default),
            uploadedAt: Timestamp(iso8601: try columns[offset + 8].decode(String.self, context: .default)))
    }
}
