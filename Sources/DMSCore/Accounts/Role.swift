/// What an account may do (SPEC §6). An account may hold several.
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Cases, documents, analysis, corrections, issued reports, committees.
    case agent
    /// Decides.
    case comite
    /// Users, catalogs, and the market signals' validation.
    case admin

    public init(parsing raw: String?, field: String = "role") throws(ValidationError) {
        guard let raw, let role = Role(rawValue: raw.trimmingWhitespace().lowercased()) else {
            throw ValidationError(field: field, message: "rôle inconnu « \((raw ?? "").prefix(40)) » : attendu agent, comite ou admin")
        }
        self = role
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}

/// Every operation and the roles that may perform it: the one table of access rules (README
/// repeats it). Reading needs only a signed-in account.
public enum Operation: String, Sendable, Hashable, CaseIterable {
    case read
    case createCase
    case uploadDocuments
    case analyzeCase
    case correctOffer
    case issueReport
    case setCommittee
    case declare
    case decideCase
    case manageUsers
    case manageOwnTokens
    case setCasePlace
    case matchPriceLine
    case proposeSignal
    case reviewSignals
    case manageCatalog
    case setProcedure
    case openOffers

    /// Any one of these roles allows the operation; empty means any signed-in account.
    public var roles: Set<Role> {
        switch self {
        case .read, .manageOwnTokens, .declare: []
        case .createCase, .uploadDocuments, .analyzeCase, .correctOffer, .issueReport, .setCasePlace, .matchPriceLine: [.agent]
        case .proposeSignal: [.agent, .admin]
        case .reviewSignals, .manageCatalog: [.admin]
        case .setCommittee: [.agent, .admin]
        case .decideCase, .openOffers: [.comite]
        case .setProcedure: [.agent]
        case .manageUsers: [.admin]
        }
    }
}

public enum AccessPolicy {
    /// Throws `AuthError.forbidden` naming the role needed when `principal` holds none of them.
    public static func check(_ operation: Operation, _ principal: Principal) throws(AuthError) {
        let needed = operation.roles
        guard needed.isEmpty || !needed.isDisjoint(with: principal.roles) else {
            throw AuthError.forbidden(needed: needed.sorted())
        }
    }
}

/// Why a request may not act.
public enum AuthError: Error, Sendable, Hashable {
    /// No credentials, or credentials that are unknown, expired, revoked or of a disabled account.
    case unauthenticated
    case forbidden(needed: [Role])
    case invalidCredentials
    case tooManyAttempts(retryAfterSeconds: Int)
    /// A cookie-authenticated write without the session's CSRF token.
    case csrfTokenMissing
    /// Only a signed-in person (a session) may do this, not a script's token: a token never mints another.
    case sessionRequired
}
