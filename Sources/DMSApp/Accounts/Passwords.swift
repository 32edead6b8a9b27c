import HummingbirdBcrypt

/// bcrypt, cost 12 by default (about a quarter of a second here: slow for a guesser, fine for a
/// person). Hashing runs on the cooperative pool, never on an event loop.
public struct Passwords: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    func hash(_ password: String) async -> String {
        let cost = self.cost
        return await Task { Bcrypt.hash(password, cost: cost) }.value
    }

    func verify(_ password: String, hash: String) async -> Bool {
        await Task { Bcrypt.verify(password, hash: hash) }.value
    }

    /// Spent on an unknown e-mail so that a sign-in takes as long whether the account exists.
    static let decoy = Bcrypt.hash("not a password of anyone", cost: 12)
}
