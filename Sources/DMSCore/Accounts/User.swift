import Foundation

/// An account. Its password hash never leaves the store's write path.
public struct User: Sendable, Hashable {
    public let id: UUID
    public let email: String
    public let displayName: String
    public let roles: Set<Role>
    public let active: Bool
    public let createdAt: Timestamp

    public init(id: UUID, email: String, displayName: String, roles: Set<Role>, active: Bool, createdAt: Timestamp) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.roles = roles
        self.active = active
        self.createdAt = createdAt
    }
}

/// An account ready to be created: every field checked.
public struct NewUser: Sendable, Hashable {
    public let email: String
    public let displayName: String
    public let roles: Set<Role>

    public init(email: String?, displayName: String?, roles: [String]) throws(ValidationError) {
        self.email = try Email.validate(email)
        self.displayName = try TextField.actor.validate(displayName, field: "name")
        guard !roles.isEmpty else { throw ValidationError(field: "role", message: "au moins un rôle : agent, comite ou admin") }
        var parsed = Set<Role>()
        for role in roles { parsed.insert(try Role(parsing: role)) }
        self.roles = parsed
    }
}

public enum Email {
    /// Trimmed; one `@` with text on both sides; no spaces or controls; at most 254 characters.
    public static func validate(_ raw: String?, field: String = "email") throws(ValidationError) -> String {
        let value = try TextField(maxLength: 254, multiline: false).validate(raw, field: field)
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !value.contains(where: \.isWhitespace) else {
            throw ValidationError(field: field, message: "adresse e-mail invalide")
        }
        return value
    }
}

/// A password as typed: long enough to resist guessing, short enough for bcrypt (72 bytes).
public enum Password {
    public static let minLength = 10

    public static func validate(_ raw: String?, field: String = "password") throws(ValidationError) -> String {
        guard let raw, !raw.isEmpty else { throw ValidationError(field: field, message: "champ obligatoire") }
        guard raw.count >= Self.minLength else { throw ValidationError(field: field, message: "au moins \(Self.minLength) caractères") }
        guard raw.utf8.count <= 72 else { throw ValidationError(field: field, message: "au plus 72 octets (limite de bcrypt)") }
        return raw
    }
}

/// An API token as listed: never its secret.
public struct APIToken: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let createdAt: Timestamp
    public let expiresAt: Timestamp?
    public let revokedAt: Timestamp?

    public init(id: UUID, name: String, createdAt: Timestamp, expiresAt: Timestamp?, revokedAt: Timestamp?) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// Random secrets handed out once (API tokens, session ids, CSRF tokens): 32 bytes from the
/// system's generator, base64url without padding; only their SHA-256 is stored.
public enum Secret {
    public static func make(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// The stored form of a secret.
    public static func digest(_ secret: String) -> String {
        var hasher = ContentHasher()
        Array(secret.utf8).withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }
}

public enum AccountError: Error, Sendable, Hashable {
    case emailTaken(String)
    case unknownUser(String)
    case unknownToken(UUID)
}
