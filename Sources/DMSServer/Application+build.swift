import DMSCore
import DMSDocuments
import DMSStore
import Hummingbird
import Logging
import PostgresNIO

/// Builds the whole service: the PostgreSQL pool (a service of the application, so it stops after
/// the HTTP server on shutdown), migrations before the first request, and the router.
public func buildApplication(_ config: AppConfig, logger: Logger) throws -> some ApplicationProtocol {
    // Analysis reads PDFs with poppler's pdftotext: missing is a start-up error, not a 500 later.
    do {
        try TextExtractor().checkAvailable()
    } catch {
        throw ConfigError("pdftotext (poppler-utils) is missing: apt-get install poppler-utils")
    }
    let client = try PostgresClient.make(config.database, pool: config.pool, logger: logger)
    let database = Database(client: client, requestTimeout: config.pool.requestTimeout)
    let router = try buildRouter(database: database, config: config)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [EarlyCloseHandler()])),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "dms"),
        logger: logger
    )
    app.addServices(client)
    if config.migrateOnStart {
        app.beforeServerStarts {
            let applied = try await Migrator.bundled().migrate(database, logger: logger)
            logger.info("database ready", metadata: ["database": "\(config.database.redacted)", "migrations_applied": "\(applied.count)"])
        }
    }
    return app
}

/// The routes, behind one error middleware and one access log.
public func buildRouter(database: Database, config: AppConfig) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    let cases = CaseRepository(database: database)
    let analyses = AnalysisRepository(database: database)
    let details = CaseDetailReader(cases: cases, analyses: analyses)
    let json = JSONRequest(maxBytes: config.maxJSONBodyBytes)
    HealthRoutes(probe: HealthProbe(database: database)).register(on: router)
    try APIDocsRoutes.load().register(on: router)
    CaseRoutes(cases: cases, details: details, json: json).register(on: router)
    DecisionRoutes(details: details, json: json).register(on: router)
    MemoryRoutes(memory: MemoryRepository(database: database), cases: cases).register(on: router)
    AnalysisRoutes(analyze: AnalyzeCase(analyses: analyses, extractor: TextExtractor()), analyses: analyses, json: json).register(on: router)
    ReportRoutes(cases: cases, analyses: analyses, reports: ReportRepository(database: database), json: json).register(on: router)
    DocumentRoutes(documents: DocumentRepository(database: database),
                   upload: MultipartUpload(maxBytes: config.maxUploadBytes), sniffer: MediaSniffer()).register(on: router)
    return router
}
