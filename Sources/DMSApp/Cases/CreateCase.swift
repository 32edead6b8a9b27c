import DMSCore
import DMSStore
import Logging

/// Opens a case: the domain validates the typed fields, the store writes it with `case_created`.
public struct CreateCase: Sendable {
    let cases: CaseRepository

    public func run(caseType: String?, title: String?, lot: String?, actor: Principal, logger: Logger) async throws -> Case {
        try AccessPolicy.check(.createCase, actor)
        let draft = try NewCase(caseType: caseType, title: title, lot: lot)
        return try await self.cases.create(draft, actor: actor, logger: logger)
    }
}
