import Logging
import NIOSSL
import PostgresNIO

/// Pool and timeout settings that are not part of the URL.
public struct PoolSettings: Sendable, Hashable {
    public var maximumConnections: Int
    /// How long a request may wait for the database before it is told the database is unavailable.
    public var requestTimeout: Duration
    public var connectTimeout: Duration

    public init(maximumConnections: Int = 16, requestTimeout: Duration = .seconds(3), connectTimeout: Duration = .seconds(2)) {
        self.maximumConnections = maximumConnections
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
    }
}

extension PostgresClient {
    /// A pooled client for `config`. TLS follows libpq's `sslmode`: `require` encrypts without
    /// verifying (what managed providers expect), `verify-ca` checks the chain, `verify-full` also the host name.
    public static func make(_ config: DatabaseConfig, pool: PoolSettings, logger: Logger) throws(ConfigError) -> PostgresClient {
        var configuration = PostgresClient.Configuration(
            host: config.host, port: config.port, username: config.username,
            password: config.password, database: config.database, tls: try Self.tls(for: config)
        )
        configuration.options.maximumConnections = pool.maximumConnections
        configuration.options.connectTimeout = pool.connectTimeout
        // PgBouncer in transaction mode does not hand out the backend's cancel key.
        configuration.options.requireBackendKeyData = false
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    private static func tls(for config: DatabaseConfig) throws(ConfigError) -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch config.sslMode {
        case .disable:
            return .disable
        case .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA, .verifyFull:
            guard let path = config.sslRootCert else { throw ConfigError("sslmode=\(config.sslMode.rawValue) needs sslrootcert") }
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw ConfigError("DATABASE_URL sslrootcert '\(path)' is not a PEM certificate file")
            }
            tls.certificateVerification = config.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
        }
        return config.sslMode == .prefer ? .prefer(tls) : .require(tls)
    }
}
