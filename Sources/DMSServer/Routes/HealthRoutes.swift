import DMSApp
import DMSStore
import Hummingbird

/// `GET /api/health`: 200 when the database answers, 503 (same shape) when it does not.
struct HealthRoutes {
    let app: UseCases

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/health") { _, context in
            do {
                let status = try await app.checkHealth.run(logger: context.logger)
                let body = HealthDTO(status: "ok", database: "ok", version: DMSVersion.current,
                                     postgres: .init(serverVersion: status.serverVersion, encoding: status.encoding, tls: status.tls))
                return try body.response(from: Request.empty, context: context)
            } catch let error as DatabaseError where error.isUnavailable {
                context.logger.warning("health: database unavailable", metadata: ["reason": "\(error)"])
                let body = HealthDTO(status: "degraded", database: "unavailable", version: DMSVersion.current, postgres: nil)
                return try EditedResponse(status: .serviceUnavailable, headers: [.retryAfter: "5"], response: body).response(from: Request.empty, context: context)
            }
        }
    }
}

extension Request {
    /// Response generators want a request; health builds its response outside the handler's own.
    static var empty: Request {
        Request(head: .init(method: .get, scheme: nil, authority: nil, path: "/"), body: .init(buffer: .init()))
    }
}
