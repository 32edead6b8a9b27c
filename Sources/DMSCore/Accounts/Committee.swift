import Foundation

/// The committee of a case (SPEC §6): members with a function, each one's declaration about
/// conflicts of interest, and the quorum a decision needs.
public enum CommitteeFunction: String, Sendable, Hashable, CaseIterable {
    case president
    case rapporteur
    case membre
    case observateur

    /// Observers attend; they do not count towards the quorum.
    public var votes: Bool { self != .observateur }

    public var label: String {
        switch self {
        case .president: "Président"
        case .rapporteur: "Rapporteur"
        case .membre: "Membre"
        case .observateur: "Observateur"
        }
    }
}

public struct Declaration: Sendable, Hashable {
    public let noConflict: Bool
    public let note: String?
    public let declaredAt: Timestamp

    public init(noConflict: Bool, note: String?, declaredAt: Timestamp) {
        self.noConflict = noConflict
        self.note = note
        self.declaredAt = declaredAt
    }
}

public struct CommitteeMember: Sendable, Hashable {
    public let userID: UUID
    public let name: String
    public let roles: Set<Role>
    public let function: CommitteeFunction
    public let declaration: Declaration?
    /// A disabled account stays listed (history) but takes no part.
    public let active: Bool

    public init(userID: UUID, name: String, roles: Set<Role>, function: CommitteeFunction, declaration: Declaration?, active: Bool = true) {
        self.userID = userID
        self.name = name
        self.roles = roles
        self.function = function
        self.declaration = declaration
        self.active = active
    }

    /// Declared in writing that they have no conflict of interest with the suppliers.
    public var mayTakePart: Bool { self.declaration?.noConflict == true }
}

/// A committee as it is to be set: members by account, one president at most, no one twice.
public struct NewCommittee: Sendable, Hashable {
    public let members: [(userID: UUID, function: CommitteeFunction)]

    public static let maxMembers = 30

    public init(members raw: [(userID: String?, function: String?)]) throws(ValidationError) {
        guard raw.count <= Self.maxMembers else { throw ValidationError(field: "members", message: "au plus \(Self.maxMembers) membres") }
        // A committee is replaced, never removed: emptying it would lift the quorum and the declarations.
        guard !raw.isEmpty else { throw ValidationError(field: "members", message: "au moins un membre, dont le président") }
        var seen = Set<UUID>()
        var members: [(UUID, CommitteeFunction)] = []
        for (index, member) in raw.enumerated() {
            guard let text = member.userID, let id = UUID(uuidString: text) else {
                throw ValidationError(field: "members.\(index).user_id", message: "identifiant d'utilisateur (UUID) attendu")
            }
            guard let function = member.function.flatMap(CommitteeFunction.init(rawValue:)) else {
                throw ValidationError(field: "members.\(index).function", message: "attendu president, rapporteur, membre ou observateur")
            }
            guard seen.insert(id).inserted else { throw ValidationError(field: "members.\(index).user_id", message: "membre déjà cité") }
            members.append((id, function))
        }
        guard members.filter({ $0.1 == .president }).count == 1 else {
            throw ValidationError(field: "members", message: "un président, et un seul, par comité")
        }
        self.members = members
    }

    public static func == (lhs: NewCommittee, rhs: NewCommittee) -> Bool {
        lhs.members.map(\.userID) == rhs.members.map(\.userID) && lhs.members.map(\.function) == rhs.members.map(\.function)
    }

    public func hash(into hasher: inout Hasher) {
        for member in self.members {
            hasher.combine(member.userID)
            hasher.combine(member.function)
        }
    }
}

/// Who may decide, with whom present.
public enum Quorum {
    /// The organisation's default: three voting members present, the president among them.
    public static let defaultSize = 3

    /// Checks a decision against the case's committee. With no committee, any `comite` account
    /// may decide (older clients keep working). Errors name what is missing.
    public static func check(committee: [CommitteeMember], present: [UUID], decider: Principal, quorum: Int) throws(ValidationError) {
        guard !committee.isEmpty else {
            guard present.isEmpty else { throw ValidationError(field: "present", message: "ce dossier n'a pas de comité : « present » ne s'applique pas") }
            return
        }
        guard let deciderID = decider.userID, let member = committee.first(where: { $0.userID == deciderID }), member.roles.contains(.comite) else {
            throw ValidationError(field: "present", message: "la décision revient à un membre du comité de ce dossier ayant le rôle comite")
        }
        let byID = Dictionary(uniqueKeysWithValues: committee.map { ($0.userID, $0) })
        var seen = Set<UUID>()
        for id in present {
            guard let someone = byID[id] else {
                throw ValidationError(field: "present", message: "\(id.uuidString.lowercased()) n'est pas membre du comité de ce dossier")
            }
            guard seen.insert(id).inserted else { throw ValidationError(field: "present", message: "\(someone.name) est cité deux fois") }
            guard someone.active else { throw ValidationError(field: "present", message: "le compte de \(someone.name) est désactivé : il ne prend pas part") }
            guard let declaration = someone.declaration else {
                throw ValidationError(field: "present", message: "\(someone.name) n'a pas encore déclaré l'absence de conflit d'intérêts")
            }
            guard declaration.noConflict else {
                throw ValidationError(field: "present", message: "\(someone.name) a déclaré un conflit d'intérêts et ne peut pas prendre part à la décision")
            }
        }
        guard seen.contains(deciderID) else {
            throw ValidationError(field: "present", message: "\(member.name) décide et doit figurer parmi les présents")
        }
        if let president = committee.first(where: { $0.function == .president }) {
            guard seen.contains(president.userID) else {
                throw ValidationError(field: "present", message: "le président du comité (\(president.name)) doit être présent")
            }
        } else {
            throw ValidationError(field: "present", message: "le comité n'a pas de président : désignez-le avant la décision")
        }
        let voting = committee.filter { seen.contains($0.userID) && $0.function.votes }.count
        guard voting >= quorum else {
            throw ValidationError(field: "present", message: "quorum non atteint : \(voting) membre(s) votant(s) présent(s), \(quorum) requis")
        }
    }
}
