import DMSApp
import DMSCore
import DMSStore
import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus text for a scraper holding `DMS_METRICS_TOKEN` (a bearer token on
/// the service's own port, so it works behind any proxy or platform that exposes one port); 404
/// when no token is configured. Outside the accounts: the token is its only key.
struct MetricsRoutes {
    let app: UseCases
    let metrics: ServiceMetrics
    /// SHA-256 of the token: comparing digests takes the same time whatever was sent.
    let tokenDigest: String?

    init(app: UseCases, metrics: ServiceMetrics, token: String?) {
        self.app = app
        self.metrics = metrics
        self.tokenDigest = token.map(Self.digest)
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { request, context -> Response in
            guard let expected = self.tokenDigest else { throw APIError.metricsDisabled }
            guard let authorization = request.headers[.authorization], authorization.count > 7, authorization.prefix(7).lowercased() == "bearer ",
                  AuthMiddleware.constantTimeEqual(Self.digest(String(authorization.dropFirst(7)).trimmingWhitespace()), expected)
            else { throw APIError.metricsTokenRequired }
            // Read-only and bounded by the database deadline; without the database the scrape
            // still answers, with what this process knows.
            let memory: MemoryProgress?
            do {
                memory = try await self.app.memoryProgress.run(logger: context.logger)
            } catch {
                context.logger.warning("metrics: memory progress unreadable", metadata: ["error": "\(error)"])
                memory = nil
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.exposition(memory: memory))))
        }
    }

    static func digest(_ secret: String) -> String {
        var hasher = ContentHasher()
        Array(secret.utf8).withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }
}
