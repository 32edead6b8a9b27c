import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Stored answers of writes sent with an `Idempotency-Key` (migration 0013), kept 24 hours.
public struct IdempotencyRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What a key already holds: the request it was first used with, and the answer if stored.
    public struct Stored: Sendable {
        public let requestHash: String
        public let status: Int?
        public let contentType: String?
        public let location: String?
        public let body: ByteBuffer?
    }

    public static let lifetime = "24 hours"

    public func find(scope: String, key: String, logger: Logger) async throws -> Stored? {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT request_hash, status, content_type, location, body FROM idempotency_keys
                WHERE scope = \(scope) AND key = \(key) AND created_at > now() - interval '24 hours'
                """, logger: logger)
            for try await (hash, status, type, location, body) in rows.decode((String, Int?, String?, String?, ByteBuffer?).self) {
                return Stored(requestHash: hash, status: status, contentType: type, location: location, body: body)
            }
            return nil
        }
    }

    /// Records the answer: completes the row the write's transaction inserted, or inserts one when
    /// no transaction did (a refused request, or a write of another kind). Expired keys of the
    /// caller are dropped on the way, so the table stays small without a sweeper.
    public func store(scope: String, key: String, requestHash: String, status: Int, contentType: String?, location: String?,
                      body: ByteBuffer?, logger: Logger) async throws {
        try await self.database.run { client in
            try await client.query("""
                WITH expired AS (
                    DELETE FROM idempotency_keys WHERE scope = \(scope) AND created_at <= now() - interval '24 hours'
                )
                INSERT INTO idempotency_keys (scope, key, request_hash, status, content_type, location, body)
                VALUES (\(scope), \(key), \(requestHash), \(status), \(contentType), \(location), \(body))
                ON CONFLICT (scope, key) DO UPDATE SET status = EXCLUDED.status, content_type = EXCLUDED.content_type,
                    location = EXCLUDED.location, body = EXCLUDED.body
                WHERE idempotency_keys.request_hash = EXCLUDED.request_hash AND idempotency_keys.status IS NULL
                """, logger: logger)
        }
    }
}
