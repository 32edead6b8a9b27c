import DMSApp
import DMSStore
import Hummingbird
import Logging

/// Builds the whole service: the PostgreSQL pool (a service of the application, so it stops after
/// the HTTP server on shutdown), migrations before the first request, and the router.
public func buildApplication(_ config: AppConfig, logger: Logger) throws -> some ApplicationProtocol {
    try config.check()
    try UseCases.checkRequirements()
    let metrics = ServiceMetrics()
    let database = try Database.connect(config.database, pool: config.pool, logger: logger, metrics: metrics.factory)
    let useCases = UseCases(database: database, settings: config.settings, metrics: metrics.factory, sealKey: config.sealKey)
    let router = try buildRouter(app: useCases, config: config, metrics: metrics)
    let edge = EdgeGate(limits: config.edge, metrics: metrics.factory, logger: logger)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [EdgeHTTPHandler(gate: edge), EarlyCloseHandler()])),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "dms", backlog: config.edge.listenBacklog),
        logger: logger
    )
    app.addServices(database.service)
    if config.checkpointSeconds > 0 {
        app.addServices(CheckpointSealer(checkpoints: useCases.checkpoints, interval: .seconds(config.checkpointSeconds), logger: logger))
    }
    if config.migrateOnStart {
        app.beforeServerStarts {
            let applied = try await Migrator.bundled().migrate(database, logger: logger)
            // A wrong key would leave every sealed offer unopenable: refuse to start instead. (With
            // --no-migrate the service starts even while the database is away, and checks nothing.)
            try await SealKeyCheck.run(database, key: config.sealKey, logger: logger)
            logger.info("database ready", metadata: ["database": "\(config.database.redacted)", "migrations_applied": "\(applied.count)"])
        }
    }
    return app
}

/// The routes, behind the request id, one access log (and metrics), one error middleware and the
/// 405 check. Each route group decodes its input, calls one use case, and encodes the result.
func buildRouter(app: UseCases, config: AppConfig, metrics: ServiceMetrics) throws -> Router<AppRequestContext> {
    let docs = try APIDocsRoutes.load()
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: AccessLogMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(table: try docs.routeTable()))
    router.add(middleware: AuthMiddleware(app: app, mode: config.auth))
    router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(writesPerMinute: config.rateLimitWritesPerMinute,
                                                                    signInsPerMinute: config.rateLimitSignInsPerMinute)))
    router.add(middleware: IdempotencyMiddleware(app: app, maxBodyBytes: config.maxUploadBytes))
    let json = JSONRequest(maxBytes: config.maxJSONBodyBytes)
    HealthRoutes(app: app).register(on: router)
    MetricsRoutes(app: app, metrics: metrics, token: config.metricsToken).register(on: router)
    docs.register(on: router)
    CaseRoutes(app: app, json: json).register(on: router)
    DecisionRoutes(app: app, json: json).register(on: router)
    MemoryRoutes(app: app).register(on: router)
    OCDSRoutes(app: app).register(on: router)
    AnalysisRoutes(app: app, json: json).register(on: router)
    ReportRoutes(app: app, json: json).register(on: router)
    DocumentRoutes(app: app, upload: MultipartUpload(maxBytes: config.maxUploadBytes)).register(on: router)
    AccountRoutes(app: app, json: json, cookieSecure: config.cookieSecure).register(on: router)
    CommitteeRoutes(app: app, json: json).register(on: router)
    MarketRoutes(app: app, json: json).register(on: router)
    WebRoutes(app: app, pages: try WebPages.load(), upload: MultipartUpload(maxBytes: config.maxUploadBytes), cookieSecure: config.cookieSecure)
        .register(on: router)
    return router
}
