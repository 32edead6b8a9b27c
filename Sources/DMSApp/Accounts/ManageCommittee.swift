import DMSCore
import DMSStore
import Foundation
import Logging

/// The committee of a case: set by an agent or an admin before the decision, each member's own
/// declaration about conflicts of interest.
public struct ManageCommittee: Sendable {
    let committees: CommitteeRepository
    let accounts: AccountRepository

    public func read(caseID: UUID, logger: Logger) async throws -> [CommitteeMember] {
        try await self.committees.members(caseID: caseID, logger: logger)
    }

    public func set(caseID: UUID, members: [(userID: String?, function: String?)], actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try AccessPolicy.check(.setCommittee, actor)
        return try await self.committees.set(caseID: caseID, try NewCommittee(members: members), actor: actor, logger: logger)
    }

    /// The same, members named by e-mail (the web form: one `email fonction` per line).
    public func set(caseID: UUID, byEmail lines: [(email: String, function: String?)], actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try AccessPolicy.check(.setCommittee, actor)
        let users = try await self.accounts.activeUsers(emails: lines.map(\.email), logger: logger)
        var members: [(userID: String?, function: String?)] = []
        for (index, line) in lines.enumerated() {
            guard let user = users.first(where: { $0.email.lowercased() == line.email.lowercased() }) else {
                throw ValidationError(field: "members.\(index)", message: "aucun compte actif pour « \(line.email.prefix(80)) »")
            }
            members.append((user.id.uuidString, line.function))
        }
        return try await self.set(caseID: caseID, members: members, actor: actor, logger: logger)
    }

    public func declare(caseID: UUID, noConflict: Bool?, note: String?, actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try AccessPolicy.check(.declare, actor)
        guard let noConflict else { throw ValidationError(field: "no_conflict", message: "champ obligatoire (true ou false)") }
        let note = try TextField(maxLength: 2000, multiline: true).validateOptional(note, field: "note")
        return try await self.committees.declare(caseID: caseID, noConflict: noConflict, note: note, actor: actor, logger: logger)
    }
}
