import ArgumentParser
import DMSServer
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
        let config = AppConfig(
            host: self.host ?? Env.string("HOST") ?? "127.0.0.1", port: port,
            database: try db.database(), pool: try db.pool(), migrateOnStart: !self.noMigrate,
            maxUploadBytes: uploadMB << 20)
        let logger = try Logs.make()
        logger.info("starting dms \(DMSVersion.current)", metadata: [
            "database": "\(config.database.redacted)", "address": "\(config.host):\(config.port)",
        ])
        let app = try buildApplication(config, logger: logger)
        try await app.runService()
    }
}
