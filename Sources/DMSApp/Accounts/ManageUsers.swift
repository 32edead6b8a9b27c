import DMSCore
import DMSStore
import Foundation
import Logging

/// Accounts, for the `dms user` commands (and later an admin page).
public struct ManageUsers: Sendable {
    let accounts: AccountRepository
    let passwords: Passwords

    public func create(email: String?, name: String?, roles: [String], password: String?, logger: Logger) async throws -> User {
        let new = try NewUser(email: email, displayName: name, roles: roles)
        let password = try Password.validate(password)
        return try await self.accounts.createUser(new, passwordHash: await self.passwords.hash(password), logger: logger)
    }

    public func list(logger: Logger) async throws -> [User] {
        try await self.accounts.users(logger: logger)
    }

    public func find(_ id: UUID, logger: Logger) async throws -> User? {
        try await self.accounts.users(ids: [id], logger: logger).first
    }

    /// The active account with this e-mail, acting (the command line's `--as`).
    public func principal(email: String, logger: Logger) async throws -> Principal {
        guard let user = try await self.accounts.activeUsers(emails: [email], logger: logger).first else {
            throw AccountError.unknownUser(email)
        }
        return Principal(user: user)
    }

    public func disable(email: String, logger: Logger) async throws -> User {
        try await self.accounts.disable(email: try Email.validate(email), logger: logger)
    }
}
