import DMSCore
import DMSStore
import Foundation
import Logging

/// The opening session (« séance d'ouverture des plis »): a comite member, with the committee
/// present (same quorum and declarations as the decision), opens every sealed offer at once; the
/// PV d'ouverture is then issued from that state.
public struct OpenOffers: Sendable {
    let procedures: ProcedureRepository
    let issue: IssueReport
    let read: ReadCase
    let quorum: Int

    public struct Result: Sendable {
        public let offers: [EventPayload.OpenedOffer]
        public let report: IssuedReport
        public let view: CaseView
    }

    public func run(_ caseID: UUID, present rawPresent: [String]?, members: [String]?, actor: Principal, logger: Logger) async throws -> Result {
        try AccessPolicy.check(.openOffers, actor)
        var present: [UUID] = []
        for (index, raw) in (rawPresent ?? []).enumerated() {
            guard let id = UUID(uuidString: raw) else { throw ValidationError(field: "present.\(index)", message: "identifiant d'utilisateur (UUID) attendu") }
            present.append(id)
        }
        let opened = try await self.procedures.open(caseID: caseID, present: present, quorum: self.quorum, actor: actor, logger: logger)
        // The PV d'ouverture of the state the session left (an agent's right is not needed: the
        // committee issues its own minutes).
        let report = try await self.issue.issue(caseID: caseID, kind: .pvOuverture, members: members ?? [], actor: actor, logger: logger)
        return Result(offers: opened, report: report, view: try await self.read.run(caseID, logger: logger))
    }
}
