import DMSStore

/// Everything `dms serve` needs, checked before anything starts.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseConfig
    public var pool: PoolSettings
    /// Apply pending migrations before the server accepts requests.
    public var migrateOnStart: Bool
    /// Largest JSON body accepted (413 above).
    public var maxJSONBodyBytes: Int
    /// Largest upload request accepted (413 above): `DMS_MAX_UPLOAD_MB`.
    public var maxUploadBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseConfig, pool: PoolSettings = PoolSettings(),
                migrateOnStart: Bool = true, maxJSONBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 25 << 20) {
        self.host = host
        self.port = port
        self.database = database
        self.pool = pool
        self.migrateOnStart = migrateOnStart
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxUploadBytes = maxUploadBytes
    }
}

public enum DMSVersion {
    public static let current = "0.1.0"
}
