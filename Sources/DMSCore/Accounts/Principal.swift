import Foundation

/// Who is acting: recorded on every event (name, and account id when there is one) and checked
/// against `AccessPolicy`. With accounts on, it is the signed-in user; in development mode
/// (`DMS_AUTH=off`) a built-in user with every role, named by `X-DMS-Actor`.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// The name events record.
    public let value: String
    public let userID: UUID?
    public let roles: Set<Role>

    public static let anonymous = Principal(trusted: "anonymous")
    public static let system = Principal(trusted: "system")

    /// The development user: every role, named as the client says (or `anonymous`).
    public init(_ raw: String?) throws(ValidationError) {
        guard let raw, !raw.trimmingWhitespace().isEmpty else {
            self = .anonymous
            return
        }
        self.value = try TextField.actor.validate(raw, field: "X-DMS-Actor")
        self.userID = nil
        self.roles = Set(Role.allCases)
    }

    /// A signed-in account.
    public init(user: User) {
        self.value = user.displayName
        self.userID = user.id
        self.roles = user.roles
    }

    private init(trusted: String) {
        self.value = trusted
        self.userID = nil
        self.roles = Set(Role.allCases)
    }

    public func has(_ role: Role) -> Bool { self.roles.contains(role) }

    public var description: String { self.value }
}
