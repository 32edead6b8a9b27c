import Foundation

/// `PATCH /api/cases/{id}` procedure fields, checked: instants with their offset, a time zone
/// that exists, an amount and an ISO currency. Absent fields are left as they are.
public struct ProcedureChange: Sendable, Hashable {
    public let deadlineAt: Timestamp?
    public let openingAt: Timestamp?
    public let timeZone: String?
    public let budget: Budget?

    public var isEmpty: Bool { self.deadlineAt == nil && self.openingAt == nil && self.timeZone == nil && self.budget == nil }

    public init(deadlineAt: String?, openingAt: String?, timeZone: String?, budgetAmount: Double?, budgetCurrency: String?) throws(ValidationError) {
        self.deadlineAt = try Self.instant(deadlineAt, field: "deadline_at")
        self.openingAt = try Self.instant(openingAt, field: "opening_at")
        if let timeZone {
            guard timeZone.count <= 64, timeZone.contains("/") || timeZone == "UTC", TimeZone(identifier: timeZone) != nil else {
                throw ValidationError(field: "time_zone", message: "fuseau horaire inconnu (ex. « Africa/Bamako »)")
            }
        }
        self.timeZone = timeZone
        switch (budgetAmount, budgetCurrency) {
        case (nil, nil): self.budget = nil
        case let (amount?, currency?):
            guard amount.isFinite, amount >= 0.01, amount < 1e15 else {
                throw ValidationError(field: "budget.amount", message: "montant positif attendu")
            }
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw ValidationError(field: "budget.currency", message: "code de devise ISO 4217 attendu (XOF, EUR…)")
            }
            self.budget = Budget(amount: (amount * 100).rounded() / 100, currency: currency)
        case (nil, _): throw ValidationError(field: "budget.amount", message: "montant attendu avec la devise")
        case (_, nil): throw ValidationError(field: "budget.currency", message: "devise attendue avec le montant")
        }
    }

    /// An instant must say its offset (`Z` or `+00:00`): a deadline read in the wrong zone is an
    /// hour of offers wrongly « hors délai ».
    static func instant(_ raw: String?, field: String) throws(ValidationError) -> Timestamp? {
        guard let raw else { return nil }
        guard raw.count > 10, raw.hasSuffix("Z") || raw.dropFirst(19).contains(where: { $0 == "+" || $0 == "-" }) else {
            throw ValidationError(field: field, message: "date et heure ISO-8601 avec fuseau attendues (ex. 2026-12-15T10:00:00Z)")
        }
        return try MemorySearchQuery.date(raw, field: field)
    }
}

/// Why a procedure step is refused, in the committee's words.
public enum ProcedureError: Error, Sendable, Hashable {
    /// Offers are sealed until the opening session (409).
    case sealed
    /// The case has no deadline: its offers were never sealed (409).
    case notSealed
    /// The opening session was already held (409).
    case alreadyOpened
    /// The session cannot open offers before their deadline (422).
    case deadlineNotPassed(deadline: Timestamp)
    /// The budget requires another procedure than the case's (422): the threshold decides.
    case thresholdRequires(caseType: String, label: String)
    /// The opening session must come after the deadline (422).
    case openingBeforeDeadline
    /// Offers are sealed but this server has no usable key (503).
    case sealingUnavailable(String)
}
