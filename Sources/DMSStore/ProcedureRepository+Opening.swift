import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

extension ProcedureRepository {
    /// The opening session (« séance d'ouverture des plis »), in one transaction: the case is
    /// locked, the deadline must have passed, the committee present must reach the quorum (as for
    /// the decision), then every sealed offer becomes a document — its bytes exactly as deposited,
    /// with its own `document_uploaded` event — and `offers_opened` lists them with their hashes.
    public func open(caseID: UUID, present: [UUID], quorum: Int, actor: Principal, logger: Logger) async throws -> [EventPayload.OpenedOffer] {
        let sealKey = self.sealKey
        return try await self.database.transaction(logger: logger, timeout: .seconds(120)) { connection in
            let rows = try await connection.query("""
                SELECT status, deadline_at, opened_at, deadline_at <= now() FROM cases WHERE id = \(caseID) FOR UPDATE
                """, logger: logger)
            var state: (status: String, deadline: ISOTimestamp?, opened: Bool, passed: Bool?)?
            for try await (status, deadline, opened, passed) in rows.decode((String, ISOTimestamp?, ISOTimestamp?, Bool?).self) {
                state = (status, deadline, opened != nil, passed)
            }
            guard let state else { throw CaseError.notFound(caseID) }
            guard let deadline = state.deadline else { throw ProcedureError.notSealed }
            guard !state.opened else { throw ProcedureError.alreadyOpened }
            guard state.status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            guard state.passed == true else { throw ProcedureError.deadlineNotPassed(deadline: Timestamp(iso8601: deadline.text)) }
            let committee = try await CommitteeRepository.members(caseID, on: connection, logger: logger)
            try Quorum.check(committee: committee, present: present, decider: actor, quorum: quorum)

            var sealed: [(id: UUID, late: Bool, sha: String, by: String)] = []
            let list = try await connection.query("""
                SELECT id, late, sealed_sha256, received_by FROM sealed_offers WHERE case_id = \(caseID) ORDER BY received_at, id
                """, logger: logger)
            for try await row in list.decode((UUID, Bool, String, String).self) { sealed.append(row) }
            var opened: [EventPayload.OpenedOffer] = []
            if !sealed.isEmpty {
                let key = try await Self.caseKey(caseID, sealKey: sealKey, on: connection, logger: logger)
                for offer in sealed {
                    opened.append(try await Self.unseal(offer, key: key, caseID: caseID, actor: actor, on: connection, logger: logger))
                }
            }
            let payload = EventPayload.offersOpened(present: present, offers: opened)
            try await connection.query("""
                WITH updated AS (
                    UPDATE cases SET opened_at = now(), updated_at = now() WHERE id = \(caseID) RETURNING id
                )
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM updated
                """, logger: logger)
            return opened
        }
    }

    /// One envelope opened: read, decrypted (the AES-GCM tag proves it unchanged), stored as the
    /// document it always was. The same bytes already in the case stay one document.
    private static func unseal(_ offer: (id: UUID, late: Bool, sha: String, by: String), key: CaseSealKey, caseID: UUID, actor: Principal,
                               on connection: PostgresConnection, logger: Logger) async throws -> EventPayload.OpenedOffer {
        var envelope: ByteBuffer?
        for try await bytes in try await connection.query("SELECT envelope FROM sealed_offers WHERE id = \(offer.id)", logger: logger).decode(ByteBuffer.self) {
            envelope = bytes
        }
        guard let envelope else { throw DatabaseError.unexpected("sealed offer \(offer.id) vanished") }
        let contents: CaseSealKey.Contents
        do {
            contents = try key.open(Data(envelope.readableBytesView), offerID: offer.id)
        } catch {
            throw ProcedureError.sealingUnavailable("le pli \(offer.id.uuidString.lowercased()) ne s'ouvre pas : clé différente ou octets altérés")
        }
        var hasher = ContentHasher()
        contents.bytes.withUnsafeBytes { hasher.update($0) }
        let sha256 = hasher.finalize()
        let documentID = UUID()
        let payload = EventPayload.documentUploaded(id: documentID, kind: .offer, filename: contents.filename, mediaType: contents.mediaType,
                                                    size: contents.bytes.count, sha256: sha256, late: offer.late, sealedOfferID: offer.id)
        let rows = try await connection.query("""
            WITH inserted AS (
                INSERT INTO documents (id, case_id, kind, filename, media_type, size, sha256, uploaded_by, uploaded_at, late)
                SELECT \(documentID), \(caseID), 'offer', \(contents.filename), \(contents.mediaType.rawValue), \(contents.bytes.count),
                       \(sha256), received_by, received_at, late
                FROM sealed_offers WHERE id = \(offer.id)
                ON CONFLICT (case_id, sha256) DO NOTHING
                RETURNING id
            ), content AS (
                INSERT INTO document_contents (document_id, sha256, content)
                SELECT id, \(sha256), \(ByteBuffer(bytes: contents.bytes)) FROM inserted
            ), event AS (
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT \(caseID), \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM inserted
            )
            SELECT id FROM inserted
            UNION ALL
            SELECT d.id FROM documents d WHERE d.case_id = \(caseID) AND d.sha256 = \(sha256) AND NOT EXISTS (SELECT 1 FROM inserted)
            """, logger: logger)
        var stored: UUID?
        for try await id in rows.decode(UUID.self) { stored = id }
        guard let stored else { throw DatabaseError.unexpected("opened offer not stored") }
        try await connection.query("INSERT INTO offer_openings (sealed_offer_id, document_id) VALUES (\(offer.id), \(stored))", logger: logger)
        return EventPayload.OpenedOffer(sealedOfferID: offer.id, sealedSHA256: offer.sha, documentID: stored, filename: contents.filename,
                                        sha256: sha256, size: contents.bytes.count, late: offer.late)
    }
}
