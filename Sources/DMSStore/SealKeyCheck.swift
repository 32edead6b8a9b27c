import DMSCore
import Logging
import PostgresNIO

/// At start: the server's key must be the one that wrapped the cases' keys, or no sealed offer
/// could ever be opened. Refuses with one line naming both key ids (never the keys).
public enum SealKeyCheck {
    public static func run(_ database: Database, key: SealKey?, logger: Logger) async throws {
        let ids: [String] = try await database.run(timeout: .seconds(30)) { client in
            var ids: [String] = []
            let exists = try await client.query("SELECT to_regclass('case_seal_keys') IS NOT NULL", logger: logger)
            for try await present in exists.decode(Bool.self) where !present { return [] }
            for try await id in try await client.query("SELECT DISTINCT key_id FROM case_seal_keys ORDER BY 1", logger: logger).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
        guard let key else {
            if !ids.isEmpty { throw ConfigError("DMS_SEAL_KEY is not set, but this database holds offers sealed under key id \(ids.joined(separator: ", ")): set that key") }
            return
        }
        let others = ids.filter { $0 != key.id }
        guard others.isEmpty else {
            throw ConfigError("DMS_SEAL_KEY (key id \(key.id)) is not the key that sealed this database's offers (key id \(others.joined(separator: ", "))): set the right key, or rewrap with `dms seal rotate` (docs/OPERATIONS.md)")
        }
    }
}
