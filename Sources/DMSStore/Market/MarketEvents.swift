import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Appends to the market's chains (one per signal or catalog entry), inside the caller's transaction.
enum MarketEvents {
    static func append(_ subjectKind: String, _ subjectID: UUID, _ type: String, _ payload: String, actor: Principal,
                       on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO market_events (subject_kind, subject_id, type, actor, actor_id, payload)
            VALUES (\(subjectKind), \(subjectID), \(type), \(actor.value), \(actor.userID), \(payload)::jsonb)
            """, logger: logger)
    }
}

extension AsyncSequence {
    /// Every element, in order.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
