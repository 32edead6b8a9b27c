import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Accounts and their credentials. Only hashes of secrets are stored: bcrypt for passwords,
/// SHA-256 for API tokens and session ids (random values handed out once).
public struct AccountRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let userColumns = "u.id, u.email, u.display_name, u.roles, u.active, iso_utc(u.created_at)"

    static func user(_ row: PostgresRow, offset: Int = 0) throws -> User {
        let columns = row.makeRandomAccess()
        let roles = try columns[offset + 3].decode([String].self, context: .default)
        return User(id: try columns[offset].decode(UUID.self, context: .default),
                    email: try columns[offset + 1].decode(String.self, context: .default),
                    displayName: try columns[offset + 2].decode(String.self, context: .default),
                    roles: Set(roles.compactMap(Role.init(rawValue:))),
                    active: try columns[offset + 4].decode(Bool.self, context: .default),
                    createdAt: Timestamp(iso8601: try columns[offset + 5].decode(String.self, context: .default)))
    }

    /// A new account; the e-mail is unique whatever its case (409 otherwise).
    public func createUser(_ new: NewUser, passwordHash: String, logger: Logger) async throws -> User {
        try await self.database.run { client in
            let roles = new.roles.sorted().map(\.rawValue)
            let rows = try await client.query("""
                INSERT INTO users AS u (email, display_name, roles, password_hash)
                VALUES (\(new.email), \(new.displayName), \(roles), \(passwordHash))
                ON CONFLICT ((lower(email))) DO NOTHING
                RETURNING \(unescaped: Self.userColumns)
                """, logger: logger)
            for try await row in rows { return try Self.user(row) }
            throw AccountError.emailTaken(new.email)
        }
    }

    public func users(logger: Logger) async throws -> [User] {
        try await self.database.run { client in
            var users: [User] = []
            for try await row in try await client.query("SELECT \(unescaped: Self.userColumns) FROM users u ORDER BY lower(u.email)", logger: logger) {
                users.append(try Self.user(row))
            }
            return users
        }
    }

    public func users(ids: [UUID], logger: Logger) async throws -> [User] {
        try await self.database.run { client in
            var users: [User] = []
            for try await row in try await client.query("SELECT \(unescaped: Self.userColumns) FROM users u WHERE u.id = ANY(\(ids))", logger: logger) {
                users.append(try Self.user(row))
            }
            return users
        }
    }

    /// Active accounts by e-mail (any case).
    public func activeUsers(emails: [String], logger: Logger) async throws -> [User] {
        let lowered = emails.map { $0.lowercased() }
        return try await self.database.run { client in
            var users: [User] = []
            for try await row in try await client.query(
                "SELECT \(unescaped: Self.userColumns) FROM users u WHERE lower(u.email) = ANY(\(lowered)) AND u.active", logger: logger) {
                users.append(try Self.user(row))
            }
            return users
        }
    }

    /// Disables an account: its tokens and sessions stop working at once (they check `active`).
    public func disable(email: String, logger: Logger) async throws -> User {
        try await self.database.run { client in
            let rows = try await client.query("""
                UPDATE users AS u SET active = false WHERE lower(u.email) = lower(\(email)) RETURNING \(unescaped: Self.userColumns)
                """, logger: logger)
            for try await row in rows { return try Self.user(row) }
            throw AccountError.unknownUser(email)
        }
    }

    /// The account and its password hash, for a sign-in (nil when there is no such e-mail).
    public func credentials(email: String, logger: Logger) async throws -> (User, String)? {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.userColumns), u.password_hash FROM users u WHERE lower(u.email) = lower(\(email))
                """, logger: logger)
            for try await row in rows {
                return (try Self.user(row), try row.makeRandomAccess()[6].decode(String.self, context: .default))
            }
            return nil
        }
    }

    // MARK: API tokens

    /// Stores a token's hash for an active account.
    public func createToken(userID: UUID, name: String, tokenHash: String, expiresInDays: Int?, logger: Logger) async throws -> APIToken {
        try await self.database.run { client in
            let rows = try await client.query("""
                INSERT INTO api_tokens (user_id, name, token_hash, expires_at)
                SELECT id, \(name), \(tokenHash), now() + make_interval(days => \(expiresInDays)::int)
                FROM users WHERE id = \(userID) AND active
                RETURNING id, name, iso_utc(created_at), iso_utc(expires_at), iso_utc(revoked_at)
                """, logger: logger)
            for try await (id, name, created, expires, revoked) in rows.decode((UUID, String, String, String?, String?).self) {
                return APIToken(id: id, name: name, createdAt: Timestamp(iso8601: created), expiresAt: expires.map(Timestamp.init),
                                revokedAt: revoked.map(Timestamp.init))
            }
            throw AuthError.unauthenticated
        }
    }

    public func tokens(userID: UUID, logger: Logger) async throws -> [APIToken] {
        try await self.database.run { client in
            var tokens: [APIToken] = []
            let rows = try await client.query("""
                SELECT id, name, iso_utc(created_at), iso_utc(expires_at), iso_utc(revoked_at)
                FROM api_tokens WHERE user_id = \(userID) ORDER BY created_at DESC, id DESC
                """, logger: logger)
            for try await (id, name, created, expires, revoked) in rows.decode((UUID, String, String, String?, String?).self) {
                tokens.append(APIToken(id: id, name: name, createdAt: Timestamp(iso8601: created), expiresAt: expires.map(Timestamp.init),
                                       revokedAt: revoked.map(Timestamp.init)))
            }
            return tokens
        }
    }

    /// Revokes one of the user's own tokens (a token of someone else is "not found").
    public func revokeToken(id: UUID, userID: UUID, logger: Logger) async throws {
        try await self.database.run { client in
            let rows = try await client.query("""
                UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) AND user_id = \(userID) RETURNING id
                """, logger: logger)
            for try await _ in rows.decode(UUID.self) { return }
            throw AccountError.unknownToken(id)
        }
    }

    /// The active account behind a bearer token that is neither expired nor revoked.
    public func user(tokenHash: String, logger: Logger) async throws -> User? {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.userColumns) FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(tokenHash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.active
                """, logger: logger)
            for try await row in rows { return try Self.user(row) }
            return nil
        }
    }

    // MARK: Sessions

    public func createSession(userID: UUID, tokenHash: String, csrfToken: String, lifetime: Duration, logger: Logger) async throws {
        let seconds = Int(lifetime.components.seconds)
        try await self.database.run { client in
            try await client.query("""
                INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
                VALUES (\(userID), \(tokenHash), \(csrfToken), now() + make_interval(secs => \(seconds)))
                """, logger: logger)
        }
    }

    /// The active account and CSRF token of a live session.
    public func session(tokenHash: String, logger: Logger) async throws -> (User, csrfToken: String)? {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.userColumns), s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(tokenHash) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
                """, logger: logger)
            for try await row in rows { return (try Self.user(row), try row.makeRandomAccess()[6].decode(String.self, context: .default)) }
            return nil
        }
    }

    public func endSession(tokenHash: String, logger: Logger) async throws {
        try await self.database.run { client in
            try await client.query("UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    // MARK: Brute force

    /// Records a sign-in attempt before the password is checked, and counts the attempts within
    /// `window` for this e-mail and for this address, this one included. Counting after the insert
    /// (one statement, committed at once) means parallel guesses see each other.
    public func recordAttempt(email: String, address: String, window: Duration, logger: Logger) async throws -> SignInAttempt {
        let seconds = Int(window.components.seconds)
        // Concurrent guesses at one e-mail are counted one after the other (a transaction lock on
        // the e-mail): otherwise two could both see four failures and both be checked.
        return try await self.database.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || lower(\(email)), 0))", logger: logger)
            let rows = try await connection.query("""
                WITH attempt AS (
                    INSERT INTO login_failures (email, client_address) VALUES (\(String(email.prefix(254))), \(address)) RETURNING id
                )
                SELECT attempt.id,
                       (SELECT count(*) FROM login_failures WHERE lower(email) = lower(\(email))
                          AND failed_at > now() - make_interval(secs => \(seconds)))::int + 1,
                       (SELECT count(*) FROM login_failures WHERE client_address = \(address)
                          AND failed_at > now() - make_interval(secs => \(seconds)))::int + 1,
                       coalesce(ceil(extract(epoch FROM ((SELECT min(failed_at) FROM login_failures
                          WHERE (lower(email) = lower(\(email)) OR client_address = \(address))
                            AND failed_at > now() - make_interval(secs => \(seconds))) + make_interval(secs => \(seconds)) - now())))::int, \(seconds))
                FROM attempt
                """, logger: logger)
            for try await (id, byEmail, byAddress, retry) in rows.decode((Int64, Int, Int, Int).self) {
                return SignInAttempt(id: id, byEmail: byEmail, byAddress: byAddress, retryAfterSeconds: max(1, retry))
            }
            throw DatabaseError.unexpected("INSERT INTO login_failures returned no row")
        }
    }

    /// A successful sign-in, or one refused before checking, is not a failure.
    public func forgetAttempt(_ id: Int64, logger: Logger) async throws {
        try await self.database.run { client in
            try await client.query("DELETE FROM login_failures WHERE id = \(id)", logger: logger)
        }
    }
}

public struct SignInAttempt: Sendable, Hashable {
    public let id: Int64
    /// Attempts for this e-mail in the window, this one included.
    public let byEmail: Int
    /// Attempts from this address in the window, this one included.
    public let byAddress: Int
    public let retryAfterSeconds: Int
}
