import DMSApp
import DMSCore
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
    /// `DMS_AUTH`: `on` (default) or `off` (development: only with a database on this machine).
    public var auth: AuthMode
    /// `DMS_COOKIE_SECURE=1`: the session cookie is `Secure` even without a TLS hint.
    public var cookieSecure: Bool
    /// `DMS_QUORUM` and the other organisation settings.
    public var settings: AppSettings
    /// `DMS_CHECKPOINT_SECONDS`: how often the memory is sealed into a checkpoint; 0 turns the
    /// periodic sealer off (`dms memory checkpoint` still seals on demand).
    public var checkpointSeconds: Int = 60
    /// `DMS_METRICS_TOKEN`: the bearer token `GET /metrics` asks for; unset, `/metrics` answers 404.
    public var metricsToken: String?
    /// `DMS_SEAL_KEY`: seals offers received before their opening session (required by `dms serve`).
    public var sealKey: SealKey?
    /// `DMS_RATE_LIMIT_WRITES_PER_MIN`: writes per caller per minute (0: no limit).
    public var rateLimitWritesPerMinute: Int = 600
    /// `DMS_RATE_LIMIT_LOGINS_PER_MIN`: sign-in attempts per address per minute (0: no limit).
    public var rateLimitSignInsPerMinute: Int = 30
    /// `DMS_HEADER_TIMEOUT_S`, `DMS_IDLE_TIMEOUT_S`, `DMS_BODY_MIN_BYTES_PER_S`, `DMS_BODY_RATE_WINDOW_S`,
    /// `DMS_MAX_CONNECTIONS`: slow clients and the connection cap.
    public var edge = EdgeLimits()

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseConfig, pool: PoolSettings = PoolSettings(),
                migrateOnStart: Bool = true, maxJSONBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 25 << 20,
                auth: AuthMode = .on, cookieSecure: Bool = false, settings: AppSettings = AppSettings(), metricsToken: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.pool = pool
        self.migrateOnStart = migrateOnStart
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.auth = auth
        self.cookieSecure = cookieSecure
        self.settings = settings
        self.metricsToken = metricsToken
    }

    /// Development mode acts without credentials: only against a database on this machine; a
    /// metrics token long enough.
    public func check() throws(ConfigError) {
        if self.auth == .off, !self.database.isLoopback {
            throw ConfigError("DMS_AUTH=off (development mode) is refused with a database that is not on this machine (\(self.database.host))")
        }
        if self.auth == .off, !["127.0.0.1", "::1", "localhost"].contains(self.host.lowercased()), !self.host.hasPrefix("127.") {
            throw ConfigError("DMS_AUTH=off (development mode) listens on this machine only: set HOST=127.0.0.1 (got \(self.host))")
        }
        guard (1...30).contains(self.settings.quorum) else { throw ConfigError("DMS_QUORUM must be between 1 and 30, got \(self.settings.quorum)") }
        guard (0...1_000_000).contains(self.rateLimitWritesPerMinute), (0...1_000_000).contains(self.rateLimitSignInsPerMinute) else {
            throw ConfigError("DMS_RATE_LIMIT_WRITES_PER_MIN and DMS_RATE_LIMIT_LOGINS_PER_MIN must be between 0 (no limit) and 1000000")
        }
        if let problem = self.settings.ocds.problem { throw ConfigError(problem) }
        guard (0...86_400).contains(self.checkpointSeconds) else {
            throw ConfigError("DMS_CHECKPOINT_SECONDS must be between 0 (off) and 86400, got \(self.checkpointSeconds)")
        }
        try self.edge.check()
        if let token = self.metricsToken {
            // Sent in a header by a scraper: visible ASCII, and long enough not to be guessed.
            guard token.utf8.count >= 16, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw ConfigError("DMS_METRICS_TOKEN must be at least 16 visible ASCII characters without spaces (e.g. DMS_METRICS_TOKEN=$(openssl rand -hex 32)), or unset to turn /metrics off")
            }
        }
    }
}

public enum DMSVersion {
    public static let current = "0.1.0"
}
