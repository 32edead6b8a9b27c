import ArgumentParser
import DMSApp
import DMSCore
import DMSServer
import DMSStore
import Hummingbird

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve the HTTP API (SIGTERM/SIGINT stop it gracefully).")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "Address to listen on (default: $HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: $PORT or 8080).")
    var port: Int?

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations at start.")
    var noMigrate = false

    func run() async throws {
        let port = try self.port ?? Env.int("PORT") ?? 8080
        guard (1...65535).contains(port) else { throw ValidationError("PORT must be between 1 and 65535, got \(port)") }
        let uploadMB = try Env.int("DMS_MAX_UPLOAD_MB") ?? 25
        guard (1...1024).contains(uploadMB) else { throw ValidationError("DMS_MAX_UPLOAD_MB must be between 1 and 1024, got \(uploadMB)") }
        let auth = try Env.string("DMS_AUTH").map { raw in
            guard let mode = AuthMode(rawValue: raw.lowercased()) else { throw ValidationError("DMS_AUTH must be on or off, got '\(raw)'") }
            return mode
        } ?? .on
        let quorum = try Env.int("DMS_QUORUM") ?? Quorum.defaultSize
        var config = AppConfig(
            host: self.host ?? Env.string("HOST") ?? "127.0.0.1", port: port,
            database: try db.database(), pool: try db.pool(), migrateOnStart: !self.noMigrate,
            maxUploadBytes: uploadMB << 20, auth: auth, cookieSecure: try Env.flag("DMS_COOKIE_SECURE"),
            settings: AppSettings(quorum: quorum, ocds: OCDSPublisher(prefix: Env.string("DMS_OCDS_PREFIX") ?? OCDSPublisher.defaultPrefix,
                                                                     organisationName: Env.string("DMS_ORGANISATION_NAME") ?? OCDSPublisher.defaultOrganisationName)), metricsToken: Env.string("DMS_METRICS_TOKEN"))
        config.checkpointSeconds = try Env.int("DMS_CHECKPOINT_SECONDS") ?? 60
        config.rateLimitWritesPerMinute = try Env.int("DMS_RATE_LIMIT_WRITES_PER_MIN") ?? config.rateLimitWritesPerMinute
        config.rateLimitSignInsPerMinute = try Env.int("DMS_RATE_LIMIT_LOGINS_PER_MIN") ?? config.rateLimitSignInsPerMinute
        config.edge = try EdgeLimits(reading: Env.int)
        guard let seal = Env.string("DMS_SEAL_KEY") else {
            throw ValidationError("DMS_SEAL_KEY is not set: offers received before their opening session are sealed with it (32 random bytes in base64: `openssl rand -base64 32`; scripts/run keeps one in .dms-seal-key)")
        }
        do throws(SealKey.Failure) {
            config.sealKey = try SealKey(base64: seal)
        } catch {
            throw ValidationError(error.description)
        }
        do throws(ConfigError) {
            try config.check()
        } catch {
            throw ValidationError(error.message)
        }
        let logger = try Logs.make()
        logger.info("starting dms \(DMSVersion.current)", metadata: [
            "database": "\(config.database.redacted)", "address": "\(config.host):\(config.port)", "auth": "\(config.auth.rawValue)",
            "metrics": "\(config.metricsToken == nil ? "off" : "on")",
        ])
        if config.auth == .off {
            logger.warning("DMS_AUTH=off: development mode, every request acts with every role (X-DMS-Actor names it)")
        }
        FileDescriptorLimit.raise(toServe: config.edge.maxConnections, logger: logger)
        let app = try buildApplication(config, logger: logger)
        try await app.runService()
    }
}
