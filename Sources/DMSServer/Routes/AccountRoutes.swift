import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird

/// Who am I, API tokens, and browser sessions.
struct AccountRoutes {
    let app: UseCases
    let json: JSONRequest
    /// `Secure` on the session cookie even when the request did not say it came over TLS.
    let cookieSecure: Bool

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/me") { request, context -> MeDTO in
            let principal = try context.actor(request)
            let user = try await principal.userID.asyncMap { try await app.users.find($0, logger: context.logger) } ?? nil
            return MeDTO(user: user.map(UserDTO.init), name: principal.value, roles: principal.roles.sorted().map(\.rawValue),
                         auth: context.authMethod.rawValue, csrfToken: context.csrfToken)
        }

        router.post("/api/tokens") { request, context -> EditedResponse<NewTokenDTO> in
            // A leaked token must not be able to outlive its own revocation or expiry.
            guard context.authMethod != .token else { throw AuthError.sessionRequired }
            let body = try await json.decode(CreateTokenRequest.self, from: request)
            let (token, secret) = try await app.tokens.create(for: try context.actor(request), name: body.name, expiresInDays: body.expiresInDays,
                                                              logger: context.logger)
            return EditedResponse(status: .created, response: NewTokenDTO(token, secret: secret))
        }

        router.get("/api/tokens") { request, context -> TokenListDTO in
            TokenListDTO(items: try await app.tokens.list(for: try context.actor(request), logger: context.logger).map(TokenDTO.init))
        }

        router.delete("/api/tokens/{id}") { request, context -> Response in
            guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw) else { throw AccountError.unknownToken(UUID()) }
            try await app.tokens.revoke(id, for: try context.actor(request), logger: context.logger)
            return Response(status: .noContent)
        }

        router.post("/api/session") { request, context -> Response in
            let body = try await json.decode(SignInRequest.self, from: request)
            let signedIn = try await app.sessions.signIn(email: body.email, password: body.password, clientAddress: context.clientAddress,
                                                         logger: context.logger)
            let me = MeDTO(user: UserDTO(signedIn.user), name: signedIn.user.displayName, roles: signedIn.user.roles.sorted().map(\.rawValue),
                           auth: "session", csrfToken: signedIn.csrfToken)
            var response = try me.response(from: request, context: context)
            response.headers[.setCookie] = self.cookie(signedIn.sessionSecret, maxAge: Int(signedIn.lifetime.components.seconds), request: request)
            return response
        }

        router.delete("/api/session") { request, context -> Response in
            if let secret = request.cookies[AuthMiddleware.sessionCookie]?.value, !secret.isEmpty {
                try await app.sessions.signOut(sessionSecret: secret, logger: context.logger)
            }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = self.cookie("", maxAge: 0, request: request)
            return response
        }
    }

    func cookie(_ value: String, maxAge: Int, request: Request) -> String {
        Self.sessionCookie(value, maxAge: maxAge, request: request, alwaysSecure: self.cookieSecure)
    }

    /// HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site writes), Secure when the
    /// request came over TLS (directly or as a proxy says) or `DMS_COOKIE_SECURE=1`.
    static func sessionCookie(_ value: String, maxAge: Int, request: Request, alwaysSecure: Bool) -> String {
        var cookie = "\(AuthMiddleware.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
        if request.cameOverTLS || alwaysSecure { cookie += "; Secure" }
        return cookie
    }
}

extension Request {
    /// Over TLS, directly or as a proxy in front says (`X-Forwarded-Proto: https`).
    var cameOverTLS: Bool {
        self.uri.scheme == .https || self.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
