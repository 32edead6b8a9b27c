import Foundation

/// A purchase file as stored: a tender (DAO) or a request for quotations (RFQ).
public struct Case: Sendable, Hashable {
    public let id: UUID
    public let caseType: CaseType
    public let title: String
    public let lot: String?
    public let status: CaseStatus
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    public init(
        id: UUID, caseType: CaseType, title: String, lot: String?, status: CaseStatus,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.caseType = caseType
        self.title = title
        self.lot = lot
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A case ready to be created: every field already validated.
public struct NewCase: Sendable, Hashable {
    public let caseType: CaseType
    public let title: String
    public let lot: String?

    /// Validates raw input (as decoded from a request) into a case that the database will accept.
    public init(caseType: String?, title: String?, lot: String?) throws(ValidationError) {
        guard let caseType else { throw ValidationError(field: "case_type", message: "champ obligatoire (DAO ou RFQ)") }
        guard let parsed = CaseType(rawValue: caseType) else {
            throw ValidationError(field: "case_type", message: "valeur inconnue « \(caseType.prefix(40)) » : attendu DAO ou RFQ")
        }
        self.caseType = parsed
        self.title = try TextField.title.validate(title, field: "title")
        self.lot = try TextField.lot.validateOptional(lot, field: "lot")
    }
}
