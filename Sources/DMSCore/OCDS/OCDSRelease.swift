import Foundation

/// One OCDS 1.1 release describing a case as it stands: the tender, the documents that may be
/// seen, the offers once they are readable, and the committee's award once it decided. Pure: the
/// same case state gives the same release, byte for byte (`CanonicalJSON`).
///
/// What it never says: a rank, a score, a recommendation, or anything about a sealed offer but
/// how many there are. Offers are readable when the case has no deadline or the committee opened
/// them (`CaseProcedure.sealsOffers` is false).
public struct OCDSRelease: Sendable, Hashable {
    /// The Bids extension (`bids.statistics`, `bids.details`), at the version whose fields are used.
    public static let bidExtension = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"

    public let ocid: String
    /// `<ocid>-<hash of the state's event>`: stable while the case does not change.
    public let id: String
    /// When the state was reached (the time of that event).
    public let date: Timestamp
    /// Whether the release carries `bids` (the package then lists the extension).
    public let usesBidExtension: Bool
    public let json: JSONValue

    public init(detail: CaseDetail, analysis: CaseAnalysis?, publisher: OCDSPublisher) {
        let ocid = Self.ocid(detail.case.id, publisher: publisher)
        let state = detail.stateEvent
        let id = "\(ocid)-\(state?.hash ?? HashChain.genesis)"
        let date = state?.at ?? detail.case.createdAt
        let readable = !detail.procedure.sealsOffers
        // Offers (and their suppliers) only once readable; an analysis read before the seal
        // existed cannot be, but the rule does not depend on that.
        let offers = readable ? (analysis?.offers ?? []).map(OfferView.init) : []
        let chosen = detail.decision.flatMap { decision in offers.first { $0.isChosen(by: decision) } }

        let buyer: [String: JSONValue] = ["id": .string(Self.buyerID), "name": .string(publisher.organisationName)]
        var parties: [JSONValue] = [.object(buyer.merging(["roles": .array([.string("buyer"), .string("procuringEntity")])]) { $1 })]
        for offer in offers {
            var roles: [JSONValue] = [.string("tenderer")]
            if offer == chosen { roles.append(.string("supplier")) }
            parties.append(.object(offer.reference.merging(["roles": .array(roles)]) { $1 }))
        }
        // A supplier the committee named without a matching offer (no analysis, or offers still
        // sealed): a party of its own, named as the decision names it.
        var awardSupplier = chosen?.reference
        if let decision = detail.decision, chosen == nil {
            let reference: [String: JSONValue] = ["id": .string(Self.supplierID(decision.chosenSupplier)), "name": .string(decision.chosenSupplier)]
            parties.append(.object(reference.merging(["roles": .array([.string("supplier")])]) { $1 }))
            awardSupplier = reference
        }

        var release: [String: JSONValue] = [
            "ocid": .string(ocid),
            "id": .string(id),
            "date": .string(date.iso8601),
            // Each release restates the whole case: `tender` while the committee has not decided,
            // `award` once it has (the decision is the award; DMS records no contract).
            "tag": .array([.string(detail.decision == nil ? "tender" : "award")]),
            "initiationType": .string("tender"),
            "language": .string("fr"),
            "buyer": .object(buyer),
            "parties": .array(parties),
            "tender": .object(Self.tender(detail, analysis: analysis, offers: offers, readable: readable, procuringEntity: buyer)),
        ]
        let bids = Self.bids(detail, analysis: analysis, offers: offers, readable: readable)
        release["bids"] = bids.map(JSONValue.object)
        if let decision = detail.decision, let supplier = awardSupplier {
            var award: [String: JSONValue] = [
                "id": .string("\(ocid)-award"),
                "status": .string("active"),
                "date": .string(decision.decidedAt.iso8601),
                "description": .string(decision.decisionReason),
                "suppliers": .array([.object(supplier)]),
            ]
            award["value"] = chosen?.total.map(Self.value)
            if let chosen, bids?["details"] != nil { award["relatedBids"] = .array([.string(chosen.bidID)]) }
            release["awards"] = .array([.object(award)])
        }
        self.ocid = ocid
        self.id = id
        self.date = date
        self.usesBidExtension = bids != nil
        self.json = .object(release)
    }

    public static func ocid(_ caseID: UUID, publisher: OCDSPublisher) -> String {
        "\(publisher.prefix)-\(caseID.uuidString.lowercased())"
    }

    static let buyerID = "DMS-BUYER"

    /// `DMS-SUP-<supplier key>`, spaces as hyphens (`DMS-SUP-sahel-btp`): the same supplier name,
    /// however spelt (`SAHEL B.T.P. SARL`), gives the same id.
    static func supplierID(key: String) -> String {
        "DMS-SUP-" + key.replacingOccurrences(of: " ", with: "-")
    }

    static func supplierID(_ name: String) -> String {
        let key = SupplierName.key(name)
        return Self.supplierID(key: key.isEmpty ? TextFolding.fold(name).lowercased() : key)
    }

    static func value(_ money: Money) -> JSONValue {
        .object(["amount": .number(ReportFormat.decimal(money.amount)), "currency": .string(money.currency)])
    }

    static func tender(_ detail: CaseDetail, analysis: CaseAnalysis?, offers: [OfferView], readable: Bool,
                       procuringEntity: [String: JSONValue]) -> [String: JSONValue] {
        let record = detail.case
        var tender: [String: JSONValue] = [
            "id": .string(record.id.uuidString.lowercased()),
            "title": .string(record.title),
            "status": .string(detail.decision == nil ? "active" : "complete"),
            "procuringEntity": .object(procuringEntity),
        ]
        tender["description"] = record.lot.map(JSONValue.string)
        switch record.caseType {
        case .dao:
            // A published call for tenders: every interested supplier may submit.
            tender["procurementMethod"] = .string("open")
            tender["procurementMethodDetails"] = .string("Dossier d'appel d'offres")
        case .rfq:
            // A request for quotations goes to suppliers the buyer chooses, without a
            // pre-qualification stage: OCDS `limited` ("the procuring entity contacts a number of
            // suppliers of its choice"), not `selective` (only suppliers qualified beforehand are
            // invited) nor `direct` (one supplier, no competition).
            tender["procurementMethod"] = .string("limited")
            tender["procurementMethodDetails"] = .string("Demande de cotation")
        }
        if let budget = detail.procedure.budget, Self.isCurrencyCode(budget.currency), budget.amount.isFinite, budget.amount >= 0 {
            tender["value"] = .object(["amount": .number(budget.amount), "currency": .string(budget.currency)])
        }
        if let deadline = detail.procedure.deadlineAt {
            tender["tenderPeriod"] = .object(["endDate": .string(deadline.iso8601)])
        }
        let criteria = (analysis?.criteria ?? []).filter { $0.edit?.action != .delete }
        let eliminatory = criteria.filter(\.eliminatory)
        let evaluated = criteria.filter { !$0.eliminatory }
        if !eliminatory.isEmpty {
            tender["eligibilityCriteria"] = .string(Self.list("Critères éliminatoires, tels que le dossier les énonce :", eliminatory))
        }
        if !evaluated.isEmpty {
            tender["awardCriteriaDetails"] = .string(Self.list("Critères d'évaluation et barème, tels que le dossier les énonce :", evaluated))
        }
        var documents: [JSONValue] = []
        for document in detail.documents {
            switch document.kind {
            case .dao: documents.append(Self.document(document, type: "biddingDocuments"))
            case .offer where readable: documents.append(Self.document(document, type: nil))
            // Sealed offers, and the CBA/PV templates (the organisation's forms, not the procedure's).
            case .offer, .cbaTemplate, .pvTemplate: break
            }
        }
        if !documents.isEmpty { tender["documents"] = .array(documents) }
        if readable, let analysis {
            tender["numberOfTenderers"] = .number(Double(analysis.offers.count))
            let named = offers.filter(\.isNamed).map { JSONValue.object($0.reference) }
            if !named.isEmpty { tender["tenderers"] = .array(named) }
        }
        return tender
    }

    /// The Bids extension: while offers are sealed, only how many arrived; once readable, each
    /// offer as the analysis read it (alphabetical, as everywhere in DMS), with its total when it
    /// was read for sure or set by a person.
    static func bids(_ detail: CaseDetail, analysis: CaseAnalysis?, offers: [OfferView], readable: Bool) -> [String: JSONValue]? {
        guard readable else {
            let late = detail.sealedOffers.filter(\.late).count
            var notes = "Plis reçus, encore fermés jusqu'à la séance d'ouverture"
            if late > 0 { notes += " (dont \(late) reçu\(late > 1 ? "s" : "") après la date limite)" }
            return ["statistics": .array([Self.bidCount(detail.sealedOffers.count, notes: notes)])]
        }
        let count = analysis.map { $0.offers.count } ?? (detail.sealedOffers.isEmpty ? nil : detail.sealedOffers.count)
        guard let count else { return nil }
        var bids: [String: JSONValue] = ["statistics": .array([Self.bidCount(count, notes: nil)])]
        if analysis != nil, !offers.isEmpty {
            let received = Dictionary(detail.documents.map { ($0.id, $0.uploadedAt) }, uniquingKeysWith: { first, _ in first })
            bids["details"] = .array(offers.map { offer in
                var bid: [String: JSONValue] = ["id": .string(offer.bidID)]
                if offer.isNamed { bid["tenderers"] = .array([.object(offer.reference)]) }
                bid["value"] = offer.total.map(Self.value)
                // Received when its first document was: instants of one format compare as text.
                bid["date"] = offer.documentIDs.compactMap { received[$0]?.iso8601 }.min().map(JSONValue.string)
                return .object(bid)
            })
        }
        return bids
    }

    static func bidCount(_ count: Int, notes: String?) -> JSONValue {
        var statistic: [String: JSONValue] = ["id": .string("bids"), "measure": .string("bids"), "value": .number(Double(count))]
        statistic["notes"] = notes.map(JSONValue.string)
        return .object(statistic)
    }

    static func document(_ document: Document, type: String?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(document.id.uuidString.lowercased()),
            "title": .string(document.filename),
            "datePublished": .string(document.uploadedAt.iso8601),
            "format": .string(document.mediaType.rawValue),
        ]
        fields["documentType"] = type.map(JSONValue.string)
        return .object(fields)
    }

    /// Plain text, one criterion a line, as the DAO states it (its points or weight, never a mark
    /// given to an offer).
    static func list(_ heading: String, _ criteria: [Criterion]) -> String {
        let lines = criteria.map { criterion in
            var line = "- \(criterion.label) (\(Self.categoryWords[criterion.category] ?? criterion.category.rawValue))"
            if let points = criterion.points { line += " : \(ReportFormat.number(ReportFormat.decimal(points))) points" }
            if let weight = criterion.weightPercent { line += " : \(ReportFormat.number(ReportFormat.decimal(weight))) %" }
            return line
        }
        return ([heading] + lines).joined(separator: "\n")
    }

    static let categoryWords: [Criterion.Category: String] = [
        .essentiel: "essentiel", .technique: "technique", .commercial: "commercial", .durabilite: "durabilité",
    ]

    static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { (65...90).contains($0) }
    }

    /// An offer as a release shows it: the supplier's name as the committee sees it (a person's
    /// correction first), and its total only when it is certain.
    struct OfferView: Hashable {
        let key: String
        let name: String?
        let documentIDs: [UUID]
        let total: Money?
        /// Every name a person gave the supplier: the decision may use any of them.
        let correctedNames: [String]

        init(_ offer: StoredOffer) {
            self.key = offer.key
            self.correctedNames = offer.corrections.filter { $0.field == .supplier }.compactMap { CorrectedValue.text($0.value) }
            self.name = self.correctedNames.last ?? offer.facts.supplier.value
            self.documentIDs = offer.facts.documentIDs
            self.total = Self.certainTotal(offer)
        }

        var isNamed: Bool { self.name != nil }
        var partyID: String { OCDSRelease.supplierID(key: self.key) }
        var bidID: String { "DMS-BID-" + self.key.replacingOccurrences(of: " ", with: "-") }

        var reference: [String: JSONValue] {
            var reference: [String: JSONValue] = ["id": .string(self.partyID)]
            reference["name"] = self.name.map(JSONValue.string)
            return reference
        }

        /// The decision names one of the analysis' suppliers, as the decide statement checks it:
        /// the same supplier key, or a name a person gave in a correction.
        func isChosen(by decision: Decision) -> Bool {
            SupplierName.key(decision.chosenSupplier) == self.key
                || self.correctedNames.contains { $0.lowercased() == decision.chosenSupplier.lowercased() }
        }

        /// A person's latest amount, else the extraction's when read with `high` confidence (which
        /// needs the total labelled, alone, and its currency stated). Anything else is omitted:
        /// an open-data value is never a guess.
        static func certainTotal(_ offer: StoredOffer) -> Money? {
            let money: Money?
            if let correction = offer.corrections.last(where: { $0.field == .totalAmount }) {
                money = CorrectedValue.money(correction.value)
            } else if offer.facts.totalAmount.confidence == .high {
                money = offer.facts.totalAmount.value
            } else {
                money = nil
            }
            guard let money, OCDSRelease.isCurrencyCode(money.currency), money.amount >= 0 else { return nil }
            return money
        }
    }
}

/// An OCDS 1.1 release package around releases.
public enum OCDSPackage {
    /// Nil without releases: a release package holds at least one.
    public static func make(_ releases: [OCDSRelease], uri: String, publisher: OCDSPublisher) -> JSONValue? {
        guard let newest = releases.max(by: { $0.date.iso8601 < $1.date.iso8601 }) else { return nil }
        return Self.package(releases, published: newest.date, uri: uri, publisher: publisher)
    }

    public static func make(_ release: OCDSRelease, uri: String, publisher: OCDSPublisher) -> JSONValue {
        Self.package([release], published: release.date, uri: uri, publisher: publisher)
    }

    /// `publishedDate` is the newest release's date: a package built on demand carries the time
    /// of the last change to what it holds (OCDS), so the same state gives the same package.
    /// (Instants are compared as text: the store writes them all in one UTC form.)
    static func package(_ releases: [OCDSRelease], published: Timestamp, uri: String, publisher: OCDSPublisher) -> JSONValue {
        var package: [String: JSONValue] = [
            "uri": .string(uri),
            "version": .string("1.1"),
            "publishedDate": .string(published.iso8601),
            "publisher": .object(["name": .string(publisher.organisationName)]),
            "releases": .array(releases.map(\.json)),
        ]
        if releases.contains(where: \.usesBidExtension) { package["extensions"] = .array([.string(OCDSRelease.bidExtension)]) }
        return .object(package)
    }
}
