import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The committee of each case: members, their declarations, and every change as an event.
public struct CommitteeRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func members(caseID: UUID, logger: Logger) async throws -> [CommitteeMember] {
        try await self.database.run { client in
            try await client.withConnection { connection in
                guard try await Self.caseStatus(caseID, on: connection, lock: false, logger: logger) != nil else { throw CaseError.notFound(caseID) }
                return try await Self.members(caseID, on: connection, logger: logger)
            }
        }
    }

    static func members(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [CommitteeMember] {
        let rows = try await connection.query("""
            SELECT m.user_id, u.display_name, u.roles, m.function, d.no_conflict, d.note, iso_utc(d.declared_at), u.active
            FROM committee_members m JOIN users u ON u.id = m.user_id
            LEFT JOIN committee_declarations d ON d.case_id = m.case_id AND d.user_id = m.user_id
            WHERE m.case_id = \(caseID)
            ORDER BY array_position(ARRAY['president', 'rapporteur', 'membre', 'observateur'], m.function), lower(u.display_name)
            """, logger: logger)
        var members: [CommitteeMember] = []
        for try await (id, name, roles, function, noConflict, note, at, active) in rows.decode((UUID, String, [String], String, Bool?, String?, String?, Bool).self) {
            guard let function = CommitteeFunction(rawValue: function) else { throw DatabaseError.unexpected("committee function \(function)") }
            let declaration = noConflict.map { Declaration(noConflict: $0, note: note, declaredAt: Timestamp(iso8601: at ?? "")) }
            members.append(CommitteeMember(userID: id, name: name, roles: Set(roles.compactMap(Role.init(rawValue:))), function: function,
                                           declaration: declaration, active: active))
        }
        return members
    }

    /// The case's status, nil for an unknown case; with `lock`, the row is locked until commit —
    /// the one lock every command on a case takes first (a decide, an analysis, a report…).
    static func caseStatus(_ caseID: UUID, on connection: PostgresConnection, lock: Bool, logger: Logger) async throws -> CaseStatus? {
        let query: PostgresQuery = lock
            ? "SELECT status FROM cases WHERE id = \(caseID) FOR UPDATE"
            : "SELECT status FROM cases WHERE id = \(caseID)"
        for try await status in try await connection.query(query, logger: logger).decode(String.self) {
            return CaseStatus(rawValue: status)
        }
        return nil
    }

    /// Replaces the committee of an undecided case; every member must be an active account.
    public func set(caseID: UUID, _ committee: NewCommittee, actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try await self.database.transaction(logger: logger) { connection in
            guard let status = try await Self.caseStatus(caseID, on: connection, lock: true, logger: logger) else { throw CaseError.notFound(caseID) }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            let ids = committee.members.map(\.userID)
            var names: [UUID: String] = [:]
            for try await (id, name) in try await connection.query(
                "SELECT id, display_name FROM users WHERE id = ANY(\(ids)) AND active", logger: logger).decode((UUID, String).self) {
                names[id] = name
            }
            if let missing = committee.members.firstIndex(where: { names[$0.userID] == nil }) {
                throw ValidationError(field: "members.\(missing).user_id", message: "aucun compte actif avec cet identifiant")
            }
            try await connection.query("DELETE FROM committee_members WHERE case_id = \(caseID)", logger: logger)
            let functions = committee.members.map(\.function.rawValue)
            try await connection.query("""
                INSERT INTO committee_members (case_id, user_id, function)
                SELECT \(caseID), m.user_id, m.function FROM unnest(\(ids)::uuid[], \(functions)::text[]) AS m(user_id, function)
                """, logger: logger)
            let payload = EventPayload.committeeSet(committee.members.map { ($0.userID, names[$0.userID] ?? "", $0.function) })
            try await Self.append(payload, caseID: caseID, actor: actor, on: connection, logger: logger)
            return try await Self.members(caseID, on: connection, logger: logger)
        }
    }

    /// A member's own declaration, once; a decided case or a non-member is refused.
    public func declare(caseID: UUID, noConflict: Bool, note: String?, actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        guard let userID = actor.userID else { throw CommitteeError.notAMember }
        return try await self.database.transaction(logger: logger) { connection in
            guard let status = try await Self.caseStatus(caseID, on: connection, lock: true, logger: logger) else { throw CaseError.notFound(caseID) }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            let rows = try await connection.query("""
                INSERT INTO committee_declarations (case_id, user_id, no_conflict, note)
                SELECT case_id, user_id, \(noConflict), \(note) FROM committee_members WHERE case_id = \(caseID) AND user_id = \(userID)
                ON CONFLICT (case_id, user_id) DO NOTHING
                RETURNING user_id
                """, logger: logger)
            var inserted = false
            for try await _ in rows.decode(UUID.self) { inserted = true }
            if !inserted {
                let members = try await Self.members(caseID, on: connection, logger: logger)
                throw members.contains(where: { $0.userID == userID }) ? CommitteeError.alreadyDeclared : CommitteeError.notAMember
            }
            try await Self.append(EventPayload.declarationRecorded(userID: userID, noConflict: noConflict, note: note),
                                  caseID: caseID, actor: actor, on: connection, logger: logger)
            return try await Self.members(caseID, on: connection, logger: logger)
        }
    }

    static func append(_ payload: EventPayload, caseID: UUID, actor: Principal, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO events (case_id, type, actor, actor_id, payload)
            VALUES (\(caseID), \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb)
            """, logger: logger)
    }
}

public enum CommitteeError: Error, Sendable, Hashable {
    case notAMember
    case alreadyDeclared
}
