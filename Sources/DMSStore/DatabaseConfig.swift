import Foundation

/// Where the database is and how to reach it, parsed from a libpq-style URL:
/// `postgres[ql]://user:password@host:port/database?sslmode=…&sslrootcert=…`.
public struct DatabaseConfig: Sendable, Hashable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCert: String?
    /// A transaction-mode pooler (PgBouncer) sits in front: statements are never prepared by
    /// name. Declared by `?pgbouncer=true` in the URL (as other drivers spell it) or `DMS_PGBOUNCER=1`.
    public var transactionPooler: Bool = false

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, sslMode: SSLMode = .prefer, sslRootCert: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
    }

    /// Parses a `DATABASE_URL`. Errors say what to fix and never repeat the password.
    public init(url: String) throws(ConfigError) {
        guard let components = URLComponents(string: url) else {
            throw ConfigError("DATABASE_URL is not a valid URL; expected postgres://user:password@host:5432/database?sslmode=require")
        }
        guard let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw ConfigError("DATABASE_URL must start with postgres:// or postgresql://")
        }
        guard let host = components.percentEncodedHost.flatMap({ $0.removingPercentEncoding }), !host.isEmpty else {
            throw ConfigError("DATABASE_URL has no host; expected postgres://user:password@host:5432/database")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw ConfigError("DATABASE_URL has no user name; expected postgres://user:password@host:5432/database")
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.isEmpty, !database.contains("/") else {
            throw ConfigError("DATABASE_URL has no database name; expected postgres://user:password@host:5432/database")
        }
        var sslMode = SSLMode.prefer
        var rootCert: String?
        var pooler = false
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    let allowed = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigError("DATABASE_URL sslmode '\(item.value ?? "")' is not supported; use one of \(allowed)")
                }
                sslMode = mode
            case "sslrootcert":
                rootCert = item.value
            case "pgbouncer":
                switch item.value?.lowercased() {
                case "true", "1", "yes": pooler = true
                case "false", "0", "no": pooler = false
                default: throw ConfigError("DATABASE_URL pgbouncer='\(item.value ?? "")' must be true or false")
                }
            default:
                continue  // libpq accepts many options that do not concern us (application_name, …)
            }
        }
        if [.verifyCA, .verifyFull].contains(sslMode), rootCert == nil {
            throw ConfigError("DATABASE_URL sslmode=\(sslMode.rawValue) needs sslrootcert=/path/to/ca.pem")
        }
        if let rootCert, !FileManager.default.isReadableFile(atPath: rootCert) {
            throw ConfigError("DATABASE_URL sslrootcert file '\(rootCert)' cannot be read")
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user,
            password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
            database: database, sslMode: sslMode, sslRootCert: rootCert
        )
        self.transactionPooler = pooler
    }

    /// The URL with the password masked: safe for logs, errors and proof documents.
    public var redacted: String {
        let secret = self.password == nil ? "" : ":***"
        var query = "sslmode=\(self.sslMode.rawValue)"
        if let cert = self.sslRootCert { query += "&sslrootcert=\(cert)" }
        if self.transactionPooler { query += "&pgbouncer=true" }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(self.username)\(secret)@\(host):\(self.port)/\(self.database)?\(query)"
    }
}

/// A configuration value that the process refuses to start with. The message is one line saying what to set.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { self.message }
}

extension DatabaseConfig {
    /// The database is on this machine (127.0.0.0/8, ::1, localhost, or a Unix socket path).
    public var isLoopback: Bool {
        let host = self.host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasPrefix("/")
    }
}
