import DMSCore
import Hummingbird

struct CreateTokenRequest: Decodable, Sendable {
    let name: String?
    let expiresInDays: Int?

    enum CodingKeys: String, CodingKey {
        case name
        case expiresInDays = "expires_in_days"
    }
}

struct SignInRequest: Decodable, Sendable {
    let email: String?
    let password: String?
}

struct UserDTO: ResponseEncodable, Sendable {
    let id: String
    let email: String
    let name: String
    let roles: [String]
    let active: Bool

    init(_ user: User) {
        self.id = user.id.uuidString.lowercased()
        self.email = user.email
        self.name = user.displayName
        self.roles = user.roles.sorted().map(\.rawValue)
        self.active = user.active
    }
}

/// `POST /api/tokens` answer: the only time the secret is shown.
struct NewTokenDTO: ResponseEncodable, Sendable {
    let id: String
    let name: String
    let token: String
    let expiresAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, token
        case expiresAt = "expires_at"
    }

    init(_ token: APIToken, secret: String) {
        self.id = token.id.uuidString.lowercased()
        self.name = token.name
        self.token = secret
        self.expiresAt = token.expiresAt?.iso8601
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.token, forKey: .token)
        try container.encode(self.expiresAt, forKey: .expiresAt)
    }
}

struct TokenDTO: Encodable, Sendable {
    let token: APIToken

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.token.id.uuidString.lowercased(), forKey: .id)
        try container.encode(self.token.name, forKey: .name)
        try container.encode(self.token.createdAt.iso8601, forKey: .createdAt)
        try container.encode(self.token.expiresAt?.iso8601, forKey: .expiresAt)
        try container.encode(self.token.revokedAt?.iso8601, forKey: .revokedAt)
    }
}

struct TokenListDTO: ResponseEncodable, Sendable {
    let items: [TokenDTO]
}

/// `GET /api/me` and the sign-in answer: who, with which roles, how authenticated, and (for a
/// browser session) the CSRF token its writes must send in `X-CSRF-Token`.
struct MeDTO: ResponseEncodable, Sendable {
    let user: UserDTO?
    let name: String
    let roles: [String]
    let auth: String
    let csrfToken: String?

    enum CodingKeys: String, CodingKey {
        case user, name, roles, auth
        case csrfToken = "csrf_token"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.user, forKey: .user)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.roles, forKey: .roles)
        try container.encode(self.auth, forKey: .auth)
        try container.encode(self.csrfToken, forKey: .csrfToken)
    }
}

struct SetCommitteeRequest: Decodable, Sendable {
    struct Member: Decodable, Sendable {
        let userID: String?
        let function: String?

        enum CodingKeys: String, CodingKey {
            case function
            case userID = "user_id"
        }
    }

    let members: [Member]?
}

struct DeclarationRequest: Decodable, Sendable {
    let noConflict: Bool?
    let note: String?

    enum CodingKeys: String, CodingKey {
        case note
        case noConflict = "no_conflict"
    }
}

struct CommitteeDTO: ResponseEncodable, Sendable {
    struct Member: Encodable, Sendable {
        let member: CommitteeMember

        enum CodingKeys: String, CodingKey {
            case name, function, declaration
            case userID = "user_id"
        }

        enum DeclarationKeys: String, CodingKey {
            case note
            case noConflict = "no_conflict"
            case declaredAt = "declared_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.member.userID.uuidString.lowercased(), forKey: .userID)
            try container.encode(self.member.name, forKey: .name)
            try container.encode(self.member.function.rawValue, forKey: .function)
            if let declaration = self.member.declaration {
                var nested = container.nestedContainer(keyedBy: DeclarationKeys.self, forKey: .declaration)
                try nested.encode(declaration.noConflict, forKey: .noConflict)
                try nested.encode(declaration.note, forKey: .note)
                try nested.encode(declaration.declaredAt.iso8601, forKey: .declaredAt)
            } else {
                try container.encodeNil(forKey: .declaration)
            }
        }
    }

    let members: [Member]

    init(_ members: [CommitteeMember]) { self.members = members.map(Member.init) }
}
