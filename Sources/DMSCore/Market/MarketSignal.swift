import Crypto
import Foundation

public enum SignalStatus: String, Sendable, Hashable, CaseIterable {
    case proposed, validated, rejected

    public init(parsing raw: String?, field: String = "status") throws(ValidationError) {
        guard let raw, let status = SignalStatus(rawValue: raw.trimmingWhitespace().lowercased()) else {
            throw ValidationError(field: field, message: "statut attendu parmi proposed, validated, rejected")
        }
        self = status
    }

    public var french: String {
        switch self {
        case .proposed: "proposé"
        case .validated: "validé"
        case .rejected: "rejeté"
        }
    }
}

/// Where a price observation came from.
public enum SignalSource: String, Sendable, Hashable {
    /// Entered by a field agent (form or API).
    case survey
    /// A line of an imported price list (mercuriale, survey sheet).
    case `import`
    /// The chosen offer of a decided case (A→B).
    case `case`

    public var french: String {
        switch self {
        case .survey: "relevé terrain"
        case .import: "import"
        case .case: "dossier décidé"
        }
    }
}

/// A price observation as entered: catalog entries by name (or id), checked values. Names are
/// resolved by the store, which refuses unknown ones with suggestions.
public struct NewSignal: Sendable, Hashable {
    public let item: String
    public let unit: String
    public let unitPrice: Decimal
    public let currency: String
    public let place: String
    public let vendor: String?
    public let observedOn: String
    public let note: String?
    /// For imports: the file and line (`mercuriale_2026T3.csv, ligne 12`).
    public let sourceDetail: String?

    public static let reference = TextField(maxLength: 200, multiline: false)

    /// `today` (`YYYY-MM-DD`, the caller's clock) bounds `observed_on`: a price is observed, not forecast.
    public init(item: String?, unit: String?, unitPrice: String?, currency: String?, place: String?, vendor: String?,
                observedOn: String?, note: String?, sourceDetail: String? = nil, today: String) throws(ValidationError) {
        self.item = try Self.reference.validate(item, field: "item")
        self.unit = try Self.reference.validate(unit, field: "unit")
        self.place = try Self.reference.validate(place, field: "place")
        self.vendor = try Self.reference.validateOptional(vendor, field: "vendor")
        guard let priceText = unitPrice?.trimmingWhitespace(), !priceText.isEmpty else {
            throw ValidationError(field: "unit_price", message: "champ obligatoire")
        }
        guard let price = PriceText.parse(priceText), price > 0, price < 1_000_000_000_000 else {
            throw ValidationError(field: "unit_price", message: "prix unitaire attendu : un nombre positif (« 4 750 », « 4750,50 »)")
        }
        self.unitPrice = price
        self.currency = try Self.currency(currency)
        guard let observedOn = observedOn?.trimmingWhitespace(), !observedOn.isEmpty else {
            throw ValidationError(field: "observed_on", message: "champ obligatoire (AAAA-MM-JJ)")
        }
        guard let date = CalendarDate(parsing: observedOn) else {
            throw ValidationError(field: "observed_on", message: "date attendue au format AAAA-MM-JJ (ou JJ/MM/AAAA)")
        }
        guard date.iso >= "2000-01-01", date.iso <= today else {
            throw ValidationError(field: "observed_on", message: "date d'observation entre 2000-01-01 et aujourd'hui")
        }
        self.observedOn = date.iso
        self.note = try TextField(maxLength: 1000, multiline: true).validateOptional(note, field: "note")
        self.sourceDetail = try TextField(maxLength: 300, multiline: false).validateOptional(sourceDetail, field: "source")
    }

    static func currency(_ raw: String?) throws(ValidationError) -> String {
        guard let raw, !raw.trimmingWhitespace().isEmpty else { return "XOF" }
        let folded = TextFolding.fold(raw.trimmingWhitespace()).replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ".", with: "")
        switch folded {
        case "xof", "fcfa", "cfa", "francscfa", "francs", "f": return "XOF"
        default:
            let upper = raw.trimmingWhitespace().uppercased()
            guard upper.count == 3, upper.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw ValidationError(field: "currency", message: "devise attendue : XOF (FCFA) ou un code à trois lettres")
            }
            return upper
        }
    }
}

/// A stored observation with its catalog entries' names.
public struct MarketSignal: Sendable, Hashable {
    public struct Ref: Sendable, Hashable {
        public let id: UUID
        public let name: String
        public init(id: UUID, name: String) {
            self.id = id
            self.name = name
        }
    }

    public let id: UUID
    public let item: Ref
    public let unit: Ref
    public let unitPrice: Decimal
    public let currency: String
    public let baseUnit: BaseUnit
    public let baseUnitPrice: Decimal
    public let place: Ref
    public let vendor: Ref?
    public let observedOn: String
    public let source: SignalSource
    public let sourceDetail: String?
    public let caseID: UUID?
    public let note: String?
    public let status: SignalStatus
    public let reason: String?
    public let proposedBy: String
    public let proposedAt: Timestamp
    public let reviewedBy: String?
    public let reviewedAt: Timestamp?

    public init(id: UUID, item: Ref, unit: Ref, unitPrice: Decimal, currency: String, baseUnit: BaseUnit, baseUnitPrice: Decimal, place: Ref,
                vendor: Ref?, observedOn: String, source: SignalSource, sourceDetail: String?, caseID: UUID?, note: String?,
                status: SignalStatus, reason: String?, proposedBy: String, proposedAt: Timestamp, reviewedBy: String?, reviewedAt: Timestamp?) {
        self.id = id
        self.item = item
        self.unit = unit
        self.unitPrice = unitPrice
        self.currency = currency
        self.baseUnit = baseUnit
        self.baseUnitPrice = baseUnitPrice
        self.place = place
        self.vendor = vendor
        self.observedOn = observedOn
        self.source = source
        self.sourceDetail = sourceDetail
        self.caseID = caseID
        self.note = note
        self.status = status
        self.reason = reason
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.reviewedBy = reviewedBy
        self.reviewedAt = reviewedAt
    }
}

/// The validation queue's filters and page.
public struct SignalQuery: Sendable, Hashable {
    public let status: SignalStatus?
    public let item: String?
    public let place: String?
    public let limit: Int
    public let offset: Int

    public init(status: String?, item: String?, place: String?, limit: String?, offset: String?) throws(ValidationError) {
        self.status = try status.map { raw throws(ValidationError) in try SignalStatus(parsing: raw) }
        self.item = try NewSignal.reference.validateOptional(item, field: "item")
        self.place = try NewSignal.reference.validateOptional(place, field: "place")
        self.limit = try Self.integer(limit, field: "limit", range: 1...200) ?? 50
        self.offset = try Self.integer(offset, field: "offset", range: 0...1_000_000) ?? 0
    }

    public static func integer(_ raw: String?, field: String, range: ClosedRange<Int>) throws(ValidationError) -> Int? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw ValidationError(field: field, message: "entier attendu entre \(range.lowerBound) et \(range.upperBound)")
        }
        return value
    }
}

/// A reviewer's verdict on proposed signals.
public enum SignalReview: Sendable, Hashable {
    case validate
    case reject(reason: String)

    public static func reject(reason raw: String?) throws(ValidationError) -> SignalReview {
        .reject(reason: try TextField(maxLength: 2000, multiline: true).validate(raw, field: "reason"))
    }
}

public enum MarketError: Error, Sendable, Hashable {
    case signalNotFound(UUID)
    /// Only a proposed signal is reviewed, once.
    case alreadyReviewed(UUID, SignalStatus)
}

/// An imported line's identity: what it says once resolved (not how it was spelled), so the same
/// file imported twice — or saved again with other spellings — adds nothing new.
public enum SignalIdentity {
    public static func importKey(itemID: UUID, unitID: UUID, unitPrice: Decimal, currency: String, placeID: UUID, vendorID: UUID?,
                                 observedOn: String) -> String {
        let parts = [itemID.uuidString, unitID.uuidString, "\(unitPrice)", currency, placeID.uuidString, vendorID?.uuidString ?? "", observedOn]
        return SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").lowercased().utf8)).hexString
    }
}
