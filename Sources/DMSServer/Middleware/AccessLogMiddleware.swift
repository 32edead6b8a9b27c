import Hummingbird
import Logging

/// One structured line per request — method, path, status, duration in ms, and the request id
/// that `context.logger`'s metadata carries — and the same request in the metrics, under the
/// route template the router matched.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            context.logger.info("request", metadata: [
                "method": "\(request.method)",
                "path": "\(request.uri.path)",
                "status": "\(status)",
                "duration_ms": "\((milliseconds * 100).rounded() / 100)",
            ])
            // The router records the template it matched in the context it shares with us.
            self.metrics.request(method: request.method, route: context.endpointPath, status: status, duration: elapsed)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
