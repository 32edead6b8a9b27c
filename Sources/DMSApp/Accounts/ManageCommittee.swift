import DMSCore
import DMSStore
import Foundation
import Logging

/// The committee of a case: set by an agent or an admin before the decision, each member's own
/// declaration about conflicts of interest.
public struct ManageCommittee: Sendable {
    let committees: CommitteeRepository

    public func read(caseID: UUID, logger: Logger) async throws -> [CommitteeMember] {
        try await self.committees.members(caseID: caseID, logger: logger)
    }

    public func set(caseID: UUID, members: [(userID: String?, function: String?)], actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try AccessPolicy.check(.setCommittee, actor)
        return try await self.committees.set(caseID: caseID, try NewCommittee(members: members), actor: actor, logger: logger)
    }

    public func declare(caseID: UUID, noConflict: Bool?, note: String?, actor: Principal, logger: Logger) async throws -> [CommitteeMember] {
        try AccessPolicy.check(.declare, actor)
        guard let noConflict else { throw ValidationError(field: "no_conflict", message: "champ obligatoire (true ou false)") }
        let note = try TextField(maxLength: 2000, multiline: true).validateOptional(note, field: "note")
        return try await self.committees.declare(caseID: caseID, noConflict: noConflict, note: note, actor: actor, logger: logger)
    }
}
