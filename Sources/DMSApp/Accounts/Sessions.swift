import DMSCore
import DMSStore
import Foundation
import Logging

/// A signed-in browser: the cookie's secret (shown once) and the CSRF token its writes must carry.
public struct SignedIn: Sendable {
    public let user: User
    public let sessionSecret: String
    public let csrfToken: String
    public let lifetime: Duration
}

/// Signing in and out, with a limit on guesses: after `maxFailures` failed sign-ins for one
/// e-mail (or `maxAddressFailures` from one client address — behind a proxy every user shares
/// it) within `window`, every attempt is refused (429) until the oldest failure leaves the
/// window. The count lives in PostgreSQL, so it holds across instances, and each attempt is
/// recorded before its password is checked, so parallel guesses count too.
public struct Sessions: Sendable {
    let accounts: AccountRepository
    let passwords: Passwords
    let lifetime: Duration

    public static let maxFailures = 5
    public static let maxAddressFailures = 100
    public static let window: Duration = .seconds(15 * 60)

    public func signIn(email rawEmail: String?, password rawPassword: String?, clientAddress: String, logger: Logger) async throws -> SignedIn {
        let email = try TextField(maxLength: 254, multiline: false).validate(rawEmail, field: "email")
        guard let password = rawPassword, !password.isEmpty else { throw ValidationError(field: "password", message: "champ obligatoire") }
        let attempt = try await self.accounts.recordAttempt(email: email, address: clientAddress, window: Self.window, logger: logger)
        guard attempt.byEmail <= Self.maxFailures, attempt.byAddress <= Self.maxAddressFailures else {
            try await self.accounts.forgetAttempt(attempt.id, logger: logger)  // a refused attempt does not extend the wait
            throw AuthError.tooManyAttempts(retryAfterSeconds: attempt.retryAfterSeconds)
        }
        let found = try await self.accounts.credentials(email: email, logger: logger)
        // The same bcrypt work whether or not the account exists.
        let matches = await self.passwords.verify(password, hash: found?.1 ?? Passwords.decoy)
        guard let (user, _) = found, matches, user.active else {
            throw AuthError.invalidCredentials  // the attempt stays recorded: it is the failure
        }
        try await self.accounts.forgetAttempt(attempt.id, logger: logger)
        let secret = Secret.make()
        let csrf = Secret.make()
        try await self.accounts.createSession(userID: user.id, tokenHash: Secret.digest(secret), csrfToken: csrf, lifetime: self.lifetime, logger: logger)
        return SignedIn(user: user, sessionSecret: secret, csrfToken: csrf, lifetime: self.lifetime)
    }

    public func signOut(sessionSecret: String, logger: Logger) async throws {
        try await self.accounts.endSession(tokenHash: Secret.digest(sessionSecret), logger: logger)
    }
}

/// Who is asking: a bearer token or a session cookie, resolved to an active account.
public struct Authenticate: Sendable {
    let accounts: AccountRepository

    public func bearer(_ token: String, logger: Logger) async throws -> Principal {
        guard let user = try await self.accounts.user(tokenHash: Secret.digest(token), logger: logger) else { throw AuthError.unauthenticated }
        return Principal(user: user)
    }

    /// The account and the session's CSRF token.
    public func session(_ secret: String, logger: Logger) async throws -> (Principal, csrfToken: String) {
        guard let (user, csrf) = try await self.accounts.session(tokenHash: Secret.digest(secret), logger: logger) else { throw AuthError.unauthenticated }
        return (Principal(user: user), csrf)
    }
}
