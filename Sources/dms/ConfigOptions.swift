import ArgumentParser
import DMSServer
import DMSStore
import Foundation
import Logging

/// Settings shared by every command that talks to the database. Flags win over environment
/// variables, which win over defaults; anything invalid stops the process with one line.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("pool-size"), help: "Maximum pooled connections (default: $DMS_POOL_SIZE or 16).")
    var poolSize: Int?

    @Option(name: .customLong("db-timeout-ms"), help: "How long a request waits for the database before a 503 (default: $DMS_DB_TIMEOUT_MS or 3000).")
    var timeoutMilliseconds: Int?

    func database() throws -> DatabaseConfig {
        guard let url = self.databaseURL ?? Env.string("DATABASE_URL") else {
            throw ValidationError("DATABASE_URL is not set; e.g. DATABASE_URL=postgres://dms:secret@127.0.0.1:5432/dms?sslmode=disable")
        }
        var config: DatabaseConfig
        do {
            config = try DatabaseConfig(url: url)
        } catch {
            throw ValidationError(error.message)
        }
        // DMS_PGBOUNCER=1: a transaction-mode pooler in front (the same as ?pgbouncer=true).
        if try Env.flag("DMS_PGBOUNCER") { config.transactionPooler = true }
        return config
    }

    func pool() throws -> PoolSettings {
        let size = try self.poolSize ?? Env.int("DMS_POOL_SIZE") ?? 16
        guard (1...500).contains(size) else { throw ValidationError("DMS_POOL_SIZE must be between 1 and 500, got \(size)") }
        let timeout = try self.timeoutMilliseconds ?? Env.int("DMS_DB_TIMEOUT_MS") ?? 3000
        guard (100...600_000).contains(timeout) else { throw ValidationError("DMS_DB_TIMEOUT_MS must be between 100 and 600000, got \(timeout)") }
        return PoolSettings(maximumConnections: size, requestTimeout: .milliseconds(timeout),
                            connectTimeout: .milliseconds(min(2000, timeout)))
    }
}

enum Env {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// `1`, `true`, `yes`, `on` → true; `0`, `false`, `no`, `off` or unset → false.
    static func flag(_ name: String) throws -> Bool {
        guard let raw = string(name)?.lowercased() else { return false }
        if ["1", "true", "yes", "on"].contains(raw) { return true }
        if ["0", "false", "no", "off"].contains(raw) { return false }
        throw ValidationError("\(name) must be 1 or 0, got '\(raw)'")
    }

    static func int(_ name: String) throws -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw) else { throw ValidationError("\(name) must be a whole number, got '\(raw)'") }
        return value
    }
}

enum Logs {
    /// One logger for the process; LOG_LEVEL (trace…critical) sets its level, default info.
    static func make(_ label: String = "dms") throws -> Logger {
        var logger = Logger(label: label)
        if let raw = Env.string("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ValidationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(raw)'")
            }
            logger.logLevel = level
        }
        return logger
    }
}
