import Logging
import PostgresNIO

/// What the database says about itself: enough for an operator (and the cloud gate) to see which
/// server, which encoding and whether the connection is encrypted.
public struct DatabaseStatus: Sendable, Hashable {
    public let serverVersion: String
    public let encoding: String
    public let tls: Bool
}

public struct HealthProbe: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func check(logger: Logger) async throws -> DatabaseStatus {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT current_setting('server_version'), current_setting('server_encoding'),
                       coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)
                """, logger: logger)
            for try await (version, encoding, tls) in rows.decode((String, String, Bool).self) {
                return DatabaseStatus(serverVersion: version, encoding: encoding, tls: tls)
            }
            throw DatabaseError.unexpected("health query returned no row")
        }
    }
}
