import DMSApp
import DMSCore
import HTTPTypes
import Hummingbird

/// Whether requests must carry credentials. `off` is development mode: every request acts as a
/// built-in user with every role, named by `X-DMS-Actor` (refused at start unless the database
/// is on this machine).
public enum AuthMode: String, Sendable, Hashable {
    case on
    case off
}

/// Resolves who is asking before any route runs: `Authorization: Bearer <token>`, or the
/// `dms_session` cookie — then a write must also carry the session's CSRF token in
/// `X-CSRF-Token` (synchronizer token pattern; bearer requests need none: a browser never adds
/// that header by itself). Public: health, the API description, signing in — and `/metrics`,
/// which checks its own token.
struct AuthMiddleware: RouterMiddleware {
    let app: UseCases
    let mode: AuthMode

    static let sessionCookie = "dms_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let publicRoutes: Set<String> = [
        "GET /api/health", "HEAD /api/health", "GET /api/openapi.json", "GET /api/docs", "POST /api/session",
        "GET /connexion", "POST /connexion", "GET /static/dms.css", "GET /metrics", "HEAD /metrics",
    ]
    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if self.mode == .off {
            context.authMethod = .development
            return try await next(request, context)
        }
        if Self.publicRoutes.contains("\(request.method.rawValue) \(request.uri.path)") {
            return try await next(request, context)
        }
        // A page, not the API: signed out (or a session that ended) goes to the sign-in page, and
        // forms carry their CSRF token in a field the page route checks.
        // Classified the way the router matches (it ignores empty segments: `//api/x` is `/api/x`).
        let page = request.uri.path.split(separator: "/").first != "api"
        if page {
            do {
                try await self.resolve(request, &context, checkCSRFHeader: false)
            } catch AuthError.unauthenticated {
                return WebPages.redirect("/connexion")
            }
            return try await next(request, context)
        }
        try await self.resolve(request, &context, checkCSRFHeader: true)
        return try await next(request, context)
    }

    private func resolve(_ request: Request, _ context: inout AppRequestContext, checkCSRFHeader: Bool) async throws {
        if let authorization = request.headers[.authorization] {
            guard authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { throw AuthError.unauthenticated }
            context.principal = try await self.app.authenticate.bearer(String(authorization.dropFirst(7)).trimmingWhitespace(), logger: context.logger)
            context.authMethod = .token
        } else if let cookie = request.cookies[Self.sessionCookie]?.value, !cookie.isEmpty {
            let (principal, csrf) = try await self.app.authenticate.session(cookie, logger: context.logger)
            let signingOut = request.method == .delete && request.uri.path == "/api/session"
            if checkCSRFHeader, !Self.safeMethods.contains(request.method), !signingOut {
                guard let sent = request.headers[Self.csrfHeader], Self.constantTimeEqual(sent, csrf) else { throw AuthError.csrfTokenMissing }
            }
            context.principal = principal
            context.authMethod = .session
            context.csrfToken = csrf
        } else {
            throw AuthError.unauthenticated
        }
    }

    /// Compares secrets in time that depends on their length only.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

extension AppRequestContext {
    /// Who acts for this request: the signed-in account, or in development mode the built-in
    /// user named by `X-DMS-Actor`.
    func actor(_ request: Request) throws -> Principal {
        if let principal = self.principal { return principal }
        guard self.authMethod == .development else { throw AuthError.unauthenticated }
        return try request.developmentActor()
    }
}
