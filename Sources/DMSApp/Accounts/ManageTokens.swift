import DMSCore
import DMSStore
import Foundation
import Logging

/// API tokens: created for an account (shown once), listed without their secret, revoked.
public struct ManageTokens: Sendable {
    let accounts: AccountRepository

    public static let maxDays = 3650

    /// A new token for the signed-in account.
    public func create(for actor: Principal, name: String?, expiresInDays: Int?, logger: Logger) async throws -> (APIToken, secret: String) {
        try AccessPolicy.check(.manageOwnTokens, actor)
        guard let userID = actor.userID else { throw AuthError.unauthenticated }
        return try await self.create(userID: userID, name: name, expiresInDays: expiresInDays, logger: logger)
    }

    /// A new token for the account with this e-mail (`dms token create`, run by the operator).
    public func create(email: String, name: String?, expiresInDays: Int?, logger: Logger) async throws -> (APIToken, secret: String) {
        guard let (user, _) = try await self.accounts.credentials(email: try Email.validate(email), logger: logger), user.active else {
            throw AccountError.unknownUser(email)
        }
        return try await self.create(userID: user.id, name: name, expiresInDays: expiresInDays, logger: logger)
    }

    private func create(userID: UUID, name: String?, expiresInDays: Int?, logger: Logger) async throws -> (APIToken, secret: String) {
        let label = try TextField(maxLength: 100, multiline: false).validate(name, field: "name")
        if let days = expiresInDays, !(1...Self.maxDays).contains(days) {
            throw ValidationError(field: "expires_in_days", message: "entre 1 et \(Self.maxDays) jours")
        }
        let secret = Secret.make(prefix: "dms_")
        let token = try await self.accounts.createToken(userID: userID, name: label, tokenHash: Secret.digest(secret),
                                                        expiresInDays: expiresInDays, logger: logger)
        return (token, secret)
    }

    public func list(for actor: Principal, logger: Logger) async throws -> [APIToken] {
        guard let userID = actor.userID else { return [] }
        return try await self.accounts.tokens(userID: userID, logger: logger)
    }

    public func revoke(_ id: UUID, for actor: Principal, logger: Logger) async throws {
        guard let userID = actor.userID else { throw AccountError.unknownToken(id) }
        try await self.accounts.revokeToken(id: id, userID: userID, logger: logger)
    }
}
