import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The procedure of a case (migration 0011): its settings, its sealed offers and the opening
/// session that unseals them all in one transaction.
public struct ProcedureRepository: Sendable {
    let database: Database
    let sealKey: SealKey?

    public init(database: Database, sealKey: SealKey?) {
        self.database = database
        self.sealKey = sealKey
    }

    /// Applies a change while the case is open and not yet opened: the budget must fit the
    /// case's procedure by the thresholds; a first deadline creates the case's sealing key.
    public func set(caseID: UUID, _ change: ProcedureChange, actor: Principal, logger: Logger) async throws {
        let sealKey = self.sealKey
        try await self.database.transaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT status, case_type, deadline_at, opening_at, time_zone, budget_amount::float8, budget_currency, opened_at
                FROM cases WHERE id = \(caseID) FOR UPDATE
                """, logger: logger)
            var current: (status: String, type: String, procedure: CaseProcedure)?
            for try await (status, type, deadline, opening, zone, amount, currency, opened)
                in rows.decode((String, String, ISOTimestamp?, ISOTimestamp?, String, Double?, String?, ISOTimestamp?).self) {
                current = (status, type, CaseProcedure(deadlineAt: deadline.map { Timestamp(iso8601: $0.text) }, timeZone: zone,
                                                       openingAt: opening.map { Timestamp(iso8601: $0.text) },
                                                       budget: amount.flatMap { amount in currency.map { Budget(amount: amount, currency: $0) } },
                                                       openedAt: opened.map { Timestamp(iso8601: $0.text) }))
            }
            guard let current else { throw CaseError.notFound(caseID) }
            guard current.status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            guard current.procedure.openedAt == nil else { throw ProcedureError.alreadyOpened }
            let old = current.procedure
            let new = CaseProcedure(deadlineAt: change.deadlineAt ?? old.deadlineAt, timeZone: change.timeZone ?? old.timeZone,
                                    openingAt: change.openingAt ?? old.openingAt, budget: change.budget ?? old.budget, openedAt: nil)
            if let budget = change.budget {
                let required = try await connection.query("""
                    SELECT case_type, label FROM required_case_type(\(budget.amount)::numeric, \(budget.currency), current_date)
                    """, logger: logger)
                for try await (type, label) in required.decode((String, String).self) where type != current.type {
                    throw ProcedureError.thresholdRequires(caseType: type, label: label)
                }
            }
            if let opening = new.openingAt, let deadline = new.deadlineAt {
                let order = try await connection.query("SELECT \(opening.iso8601)::timestamptz < \(deadline.iso8601)::timestamptz", logger: logger)
                for try await before in order.decode(Bool.self) where before { throw ProcedureError.openingBeforeDeadline }
            }
            if new.deadlineAt != nil {
                guard let sealKey else { throw ProcedureError.sealingUnavailable("DMS_SEAL_KEY n'est pas configurée") }
                let (_, wrapped) = try sealKey.newCaseKey(caseID: caseID)
                try await connection.query("""
                    INSERT INTO case_seal_keys (case_id, key_id, wrapped_key) VALUES (\(caseID), \(sealKey.id), \(ByteBuffer(bytes: wrapped)))
                    ON CONFLICT (case_id) DO NOTHING
                    """, logger: logger)
            }
            let payload = EventPayload.procedureSet(new)
            try await connection.query("""
                WITH updated AS (
                    UPDATE cases SET deadline_at = \(new.deadlineAt?.iso8601)::timestamptz, opening_at = \(new.openingAt?.iso8601)::timestamptz,
                                     time_zone = \(new.timeZone), budget_amount = \(new.budget?.amount)::numeric,
                                     budget_currency = \(new.budget?.currency), updated_at = now()
                    WHERE id = \(caseID) RETURNING id
                )
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM updated
                """, logger: logger)
        }
    }

    /// Whether the case's offers are sealed now (a deadline and no opening yet); nil: no case.
    public func sealsOffers(caseID: UUID, logger: Logger) async throws -> Bool? {
        try await self.database.run { client in
            let rows = try await client.query("SELECT deadline_at IS NOT NULL AND opened_at IS NULL FROM cases WHERE id = \(caseID)", logger: logger)
            for try await sealed in rows.decode(Bool.self) { return sealed }
            return nil
        }
    }

    /// Whether `id` names an offer still sealed (its download answers 409, not 404).
    public func isSealedOffer(_ id: UUID, logger: Logger) async throws -> Bool {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT EXISTS (SELECT 1 FROM sealed_offers s WHERE s.id = \(id)
                               AND NOT EXISTS (SELECT 1 FROM offer_openings o WHERE o.sealed_offer_id = s.id))
                """, logger: logger)
            for try await sealed in rows.decode(Bool.self) { return sealed }
            return false
        }
    }

    /// The case's key, unwrapped with the server's key, on the caller's connection.
    static func caseKey(_ caseID: UUID, sealKey: SealKey?, on connection: PostgresConnection, logger: Logger) async throws -> CaseSealKey {
        guard let sealKey else { throw ProcedureError.sealingUnavailable("DMS_SEAL_KEY n'est pas configurée") }
        let rows = try await connection.query("SELECT key_id, wrapped_key FROM case_seal_keys WHERE case_id = \(caseID)", logger: logger)
        for try await (keyID, wrapped) in rows.decode((String, ByteBuffer).self) {
            guard keyID == sealKey.id else {
                throw ProcedureError.sealingUnavailable("la clé de ce dossier a été scellée par une autre clé serveur (\(keyID))")
            }
            do {
                return try sealKey.unwrap(Data(wrapped.readableBytesView), caseID: caseID)
            } catch {
                throw ProcedureError.sealingUnavailable("la clé de ce dossier ne s'ouvre pas avec DMS_SEAL_KEY")
            }
        }
        throw ProcedureError.sealingUnavailable("ce dossier n'a pas de clé de scellement")
    }

    /// Stores an offer sealed (the caller holds the case share-locked and knows it seals).
    static func seal(_ file: NewDocument, caseID: UUID, late: Bool, sealKey: SealKey?, actor: Principal,
                     on connection: PostgresConnection, logger: Logger) async throws -> SealedOffer {
        let key = try await Self.caseKey(caseID, sealKey: sealKey, on: connection, logger: logger)
        let id = UUID()
        let envelope = try key.seal(.init(filename: file.filename, mediaType: file.mediaType, bytes: Data(file.content.readableBytesView)), offerID: id)
        var hasher = ContentHasher()
        envelope.withUnsafeBytes { hasher.update($0) }
        let sealedSHA256 = hasher.finalize()
        let payload = EventPayload.offerSealed(id: id, size: envelope.count, sealedSHA256: sealedSHA256, late: late)
        let rows = try await connection.query("""
            WITH inserted AS (
                INSERT INTO sealed_offers (id, case_id, received_by, late, size, sealed_sha256, envelope)
                VALUES (\(id), \(caseID), \(actor.value), \(late), \(envelope.count), \(sealedSHA256), \(ByteBuffer(bytes: envelope)))
                RETURNING id, case_id, received_at
            ), event AS (
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT case_id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM inserted
            )
            SELECT received_at FROM inserted
            """, logger: logger)
        for try await received in rows.decode(ISOTimestamp.self) {
            return SealedOffer(id: id, receivedAt: Timestamp(iso8601: received.text), size: envelope.count, sealedSHA256: sealedSHA256,
                               late: late, documentID: nil)
        }
        throw DatabaseError.unexpected("sealed offer not stored")
    }
}

extension ProcedureRepository {
    /// Rewraps every case key wrapped by `old` with `new` (a rotation of `DMS_SEAL_KEY`), in one
    /// transaction; the offers themselves are untouched. Returns how many keys were rewrapped.
    public static func rotate(from old: SealKey, to new: SealKey, database: Database, logger: Logger) async throws -> Int {
        try await database.transaction(logger: logger, timeout: .seconds(600)) { connection in
            var rows: [(UUID, ByteBuffer)] = []
            for try await row in try await connection.query("""
                SELECT case_id, wrapped_key FROM case_seal_keys WHERE key_id = \(old.id) FOR UPDATE
                """, logger: logger).decode((UUID, ByteBuffer).self) {
                rows.append(row)
            }
            for (caseID, wrapped) in rows {
                let rewrapped = try old.rewrap(Data(wrapped.readableBytesView), caseID: caseID, with: new)
                try await connection.query("""
                    UPDATE case_seal_keys SET key_id = \(new.id), wrapped_key = \(ByteBuffer(bytes: rewrapped)) WHERE case_id = \(caseID)
                    """, logger: logger)
            }
            return rows.count
        }
    }
}
