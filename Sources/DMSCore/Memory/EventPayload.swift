import Foundation

/// The kinds of event the memory holds. The raw values are stored and hashed: never rename one.
public enum EventType: String, Sendable, Hashable, CaseIterable {
    case caseCreated = "case_created"
    case documentUploaded = "document_uploaded"
    case analysisRun = "analysis_run"
    case offerCorrected = "offer_corrected"
    case decisionRecorded = "decision_recorded"
    case reportIssued = "report_issued"
    case committeeSet = "committee_set"
    case declarationRecorded = "declaration_recorded"
    case criterionChanged = "criterion_changed"
    case casePlaceSet = "case_place_set"
    case priceLineMatched = "price_line_matched"
    /// A→B: the chosen offer's confirmed price lines proposed as market signals at the decision.
    case marketSignalsProposed = "market_signals_proposed"
    /// Deadline, opening session, time zone or budget set (issue 20).
    case procedureSet = "procedure_set"
    /// An offer received sealed: only its receipt (no supplier, no name).
    case offerSealed = "offer_sealed"
    /// The committee's opening session: who, and every offer opened with its hashes.
    case offersOpened = "offers_opened"
    /// Written by v0.1.0 on every download; kept readable, no longer written.
    case cbaGenerated = "cba_generated"
    case pvGenerated = "pv_generated"
}

/// What an event says, built key by key. The payload is hashed into the case's chain, so its
/// shape belongs to the memory alone: not to the API's JSON (an API rename must not change a
/// hash) nor to the tables' columns. Each builder below is version 1 of its event and is frozen —
/// a new shape is a new builder beside it (`…V2`), never an edit, and `payloadVersion` says which.
/// The verifier never needs these builders: it hashes the stored text.
public struct EventPayload: Sendable, Hashable {
    public let type: EventType
    public let body: JSONValue

    /// The version every builder of this file produces.
    public static let payloadVersion = 1

    /// The canonical text sent to the database (which stores it as `jsonb`).
    public var json: String { CanonicalJSON.string(self.body) }

    private init(_ type: EventType, _ members: [String: JSONValue]) {
        self.type = type
        self.body = .object(members)
    }

    public static func caseCreated(_ new: NewCase) -> EventPayload {
        EventPayload(.caseCreated, [
            "case_type": .string(new.caseType.rawValue),
            "title": .string(new.title),
            "lot": new.lot.map(JSONValue.string) ?? .null,
        ])
    }

    public static func documentUploaded(id: UUID, kind: DocumentKind, filename: String, mediaType: MediaType, size: Int, sha256: String) -> EventPayload {
        Self.documentUploaded(id: id, kind: kind, filename: filename, mediaType: mediaType, size: size, sha256: sha256, late: false, sealedOfferID: nil)
    }

    /// The same, for an offer received after the deadline (`late: true`) or opened from its seal
    /// (`sealed_offer_id`); each key only when it applies, so every other payload stays as it was.
    public static func documentUploaded(id: UUID, kind: DocumentKind, filename: String, mediaType: MediaType, size: Int, sha256: String,
                                        late: Bool, sealedOfferID: UUID?) -> EventPayload {
        var payload = Self.documentUploadedV1(id: id, kind: kind, filename: filename, mediaType: mediaType, size: size, sha256: sha256)
        guard case .object(var members) = payload.body else { preconditionFailure("an object") }
        if late { members["late"] = .bool(true) }
        if let sealedOfferID { members["sealed_offer_id"] = .string(sealedOfferID.uuidString.lowercased()) }
        payload = EventPayload(.documentUploaded, members)
        return payload
    }

    private static func documentUploadedV1(id: UUID, kind: DocumentKind, filename: String, mediaType: MediaType, size: Int, sha256: String) -> EventPayload {
        EventPayload(.documentUploaded, [
            "document_id": .string(id.uuidString.lowercased()),
            "kind": .string(kind.rawValue),
            "filename": .string(filename),
            "media_type": .string(mediaType.rawValue),
            "size": .number(Double(size)),
            "sha256": .string(sha256),
        ])
    }

    /// What was read (each input's hash) and what came out (counts, suppliers, warnings).
    public static func analysisRun(_ result: AnalysisResult) -> EventPayload {
        let inReview = result.offers.reduce(0) { count, offer in
            let facts = offer.facts
            return count + [facts.supplier.isMissing, facts.totalAmount.isMissing, facts.deliveryDays.isMissing, facts.validityDays.isMissing]
                .filter { $0 }.count
        }
        return EventPayload(.analysisRun, [
            "inputs": .array(result.inputs.map { input in
                .object([
                    "document_id": .string(input.documentID.uuidString.lowercased()),
                    "kind": .string(input.kind.rawValue),
                    "filename": .string(input.filename),
                    "sha256": .string(input.sha256),
                ])
            }),
            "criteria": .number(Double(result.criteria.count)),
            "suppliers": .array(result.offers.map { .string($0.key) }),
            "fields_in_manual_review": .number(Double(inReview)),
            "warnings": .array(result.warnings.map(JSONValue.string)),
        ])
    }

    public static func offerCorrected(supplierKey: String, _ correction: NewCorrection) -> EventPayload {
        EventPayload(.offerCorrected, [
            "supplier_key": .string(supplierKey),
            "field": .string(correction.field.rawValue),
            "value": correction.value,
            "reason": .string(correction.reason),
        ])
    }

    /// The status the case had before is added by the statement that locks it
    /// (`previousStatusKey`), since only that statement knows it.
    public static func decisionRecorded(_ decision: NewDecision) -> EventPayload {
        EventPayload(.decisionRecorded, [
            "chosen_supplier": .string(decision.chosenSupplier),
            "decision_reason": .string(decision.decisionReason),
            "next_action": decision.nextAction.map(JSONValue.string) ?? .null,
        ])
    }

    /// Version 2, with accounts: who was present, by account id (in the order given).
    public static func decisionRecorded(_ decision: NewDecision, present: [UUID]) -> EventPayload {
        guard case .object(var members) = Self.decisionRecorded(decision).body else { preconditionFailure("an object") }
        members["present"] = .array(present.map { .string($0.uuidString.lowercased()) })
        return EventPayload(.decisionRecorded, members)
    }

    public static let previousStatusKey = "previous_status"

    /// Only the fields the person gave; decimals as text so no rounding enters the hash.
    public static func criterionChanged(criterionID: UUID, _ change: NewCriterionEdit) -> EventPayload {
        var members: [String: JSONValue] = [
            "action": .string(change.action.rawValue),
            "criterion_id": .string(criterionID.uuidString.lowercased()),
            "reason": .string(change.reason),
        ]
        if let label = change.label { members["label"] = .string(label) }
        if let category = change.category { members["category"] = .string(category.rawValue) }
        if let points = change.points { members["points"] = .string("\(points)") }
        if let weight = change.weightPercent { members["weight_percent"] = .string("\(weight)") }
        if let eliminatory = change.eliminatory { members["eliminatory"] = .bool(eliminatory) }
        return EventPayload(.criterionChanged, members)
    }

    public static func committeeSet(_ members: [(userID: UUID, name: String, function: CommitteeFunction)]) -> EventPayload {
        EventPayload(.committeeSet, [
            "members": .array(members.map { member in
                .object([
                    "user_id": .string(member.userID.uuidString.lowercased()),
                    "name": .string(member.name),
                    "function": .string(member.function.rawValue),
                ])
            }),
        ])
    }

    public static func declarationRecorded(userID: UUID, noConflict: Bool, note: String?) -> EventPayload {
        EventPayload(.declarationRecorded, [
            "user_id": .string(userID.uuidString.lowercased()),
            "no_conflict": .bool(noConflict),
            "note": note.map(JSONValue.string) ?? .null,
        ])
    }

    public static func casePlaceSet(placeID: UUID, name: String) -> EventPayload {
        EventPayload(.casePlaceSet, ["place_id": .string(placeID.uuidString.lowercased()), "name": .string(name)])
    }

    /// A person's match of a price line to a catalog item and unit (both null: "no catalog item").
    public static func priceLineMatched(lineKey: String, itemID: UUID?, unitID: UUID?, reason: String?) -> EventPayload {
        EventPayload(.priceLineMatched, [
            "line_key": .string(lineKey),
            "item_id": itemID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "unit_id": unitID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "reason": reason.map(JSONValue.string) ?? .null,
        ])
    }

    public static func marketSignalsProposed(signalIDs: [UUID], supplierKey: String, skipped: [String]) -> EventPayload {
        EventPayload(.marketSignalsProposed, [
            "signal_ids": .array(signalIDs.map { .string($0.uuidString.lowercased()) }),
            "supplier_key": .string(supplierKey),
            "skipped": .array(skipped.map(JSONValue.string)),
        ])
    }

    public static func reportIssued(kind: ReportKind, version: Int, sha256: String, size: Int, filename: String, memoryHead: String) -> EventPayload {
        EventPayload(.reportIssued, [
            "kind": .string(kind.rawValue),
            "version": .number(Double(version)),
            "sha256": .string(sha256),
            "size": .number(Double(size)),
            "filename": .string(filename),
            "memory_head": .string(memoryHead),
        ])
    }

    public static func procedureSet(_ procedure: CaseProcedure) -> EventPayload {
        EventPayload(.procedureSet, [
            "deadline_at": procedure.deadlineAt.map { .string($0.iso8601) } ?? .null,
            "opening_at": procedure.openingAt.map { .string($0.iso8601) } ?? .null,
            "time_zone": .string(procedure.timeZone),
            "budget": procedure.budget.map { .object(["amount": .number($0.amount), "currency": .string($0.currency)]) } ?? .null,
        ])
    }

    public static func offerSealed(id: UUID, size: Int, sealedSHA256: String, late: Bool) -> EventPayload {
        EventPayload(.offerSealed, [
            "sealed_offer_id": .string(id.uuidString.lowercased()),
            "size": .number(Double(size)),
            "sealed_sha256": .string(sealedSHA256),
            "late": .bool(late),
        ])
    }

    /// One opened offer: its receipt and the document it became.
    public struct OpenedOffer: Sendable, Hashable {
        public let sealedOfferID: UUID
        public let sealedSHA256: String
        public let documentID: UUID
        public let filename: String
        public let sha256: String
        public let size: Int
        public let late: Bool

        public init(sealedOfferID: UUID, sealedSHA256: String, documentID: UUID, filename: String, sha256: String, size: Int, late: Bool) {
            self.sealedOfferID = sealedOfferID
            self.sealedSHA256 = sealedSHA256
            self.documentID = documentID
            self.filename = filename
            self.sha256 = sha256
            self.size = size
            self.late = late
        }
    }

    public static func offersOpened(present: [UUID], offers: [OpenedOffer]) -> EventPayload {
        EventPayload(.offersOpened, [
            "present": .array(present.map { .string($0.uuidString.lowercased()) }),
            "offers": .array(offers.map {
                .object(["sealed_offer_id": .string($0.sealedOfferID.uuidString.lowercased()), "sealed_sha256": .string($0.sealedSHA256),
                         "document_id": .string($0.documentID.uuidString.lowercased()), "filename": .string($0.filename),
                         "sha256": .string($0.sha256), "size": .number(Double($0.size)), "late": .bool($0.late)])
            }),
        ])
    }
}
