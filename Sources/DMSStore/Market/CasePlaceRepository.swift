import DMSCore
import Foundation
import Logging
import PostgresNIO

extension CaseRepository {
    /// Sets where the case takes place (a catalog place, by name or id) while it is not decided,
    /// with its `case_place_set` event, in one transaction.
    public func setPlace(caseID: UUID, place name: String, actor: Principal, logger: Logger) async throws -> CaseDetail {
        try await self.database.transaction(logger: logger) { connection in
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else {
                throw CaseError.notFound(caseID)
            }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            let place = try await CatalogRepository.resolve(.place, name, field: "place", on: connection, logger: logger)
            let payload = EventPayload.casePlaceSet(placeID: place.id, name: place.name)
            try await connection.query("""
                WITH updated AS (UPDATE cases SET place_id = \(place.id), updated_at = now() WHERE id = \(caseID) RETURNING id)
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM updated
                """, logger: logger)
            return try await Self.detail(id: caseID, on: connection, logger: logger)
        }
    }
}
