import Foundation
import HTTPTypes
import Hummingbird

/// The operations the service answers, by path template: from the OpenAPI description (which a
/// test keeps equal to the registered routes) plus the few routes it does not describe.
struct RouteTable: Sendable {
    private var routes: [(segments: [Substring], methods: Set<String>)] = []

    init(openAPI: Data, extra: [String: Set<String>] = [:]) throws {
        let document = try JSONSerialization.jsonObject(with: openAPI) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        var all: [String: Set<String>] = extra
        for (path, item) in paths {
            let methods = item.keys.map { $0.uppercased() }.filter { ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains($0) }
            all[path, default: []].formUnion(methods)
        }
        for (path, methods) in all {
            var methods = methods
            if methods.contains("GET") { methods.insert("HEAD") }  // HEAD is answered for every GET
            self.routes.append((path.split(separator: "/"), methods))
        }
    }

    /// The methods allowed on the template `path` matches, or nil when no template matches.
    func allowed(for path: String) -> Set<String>? {
        let parts = path.split(separator: "/")
        var found: Set<String>?
        for route in self.routes where route.segments.count == parts.count {
            let matches = zip(route.segments, parts).allSatisfy { template, part in template.first == "{" || template == part }
            if matches { found = (found ?? []).union(route.methods) }
        }
        return found
    }
}

/// A known path asked with a method it does not serve is 405 with `Allow` (RFC 9110 §15.5.6),
/// not the router's 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = self.table.allowed(for: request.uri.path), !allowed.contains(request.method.rawValue) else { throw error }
            throw APIError.methodNotAllowed(allow: allowed.sorted())
        }
    }
}
