import Foundation

/// The kinds of event the market's chains hold (one chain per signal or catalog entry). The
/// raw values are stored and hashed: never rename one.
public enum MarketEventType: String, Sendable, Hashable, CaseIterable {
    case catalogEntryCreated = "catalog_entry_created"
    case catalogAliasAdded = "catalog_alias_added"
    case signalProposed = "market_signal_proposed"
    case signalValidated = "market_signal_validated"
    case signalRejected = "market_signal_rejected"
}

/// What a market event says, built key by key and frozen like `EventPayload` (version 1): the
/// payload belongs to the memory, not to the API's JSON or the tables' columns.
public struct MarketEventPayload: Sendable, Hashable {
    public let type: MarketEventType
    public let body: JSONValue

    public var json: String { CanonicalJSON.string(self.body) }

    private init(_ type: MarketEventType, _ members: [String: JSONValue]) {
        self.type = type
        self.body = .object(members)
    }

    public static func entryCreated(_ entry: NewCatalogEntry, parentID: UUID?) -> MarketEventPayload {
        var members: [String: JSONValue] = [
            "kind": .string(entry.kind.rawValue),
            "name": .string(entry.name),
            "aliases": .array(entry.aliases.map(JSONValue.string)),
        ]
        switch entry.details {
        case .item(let category, let baseUnit):
            members["category"] = .string(category)
            members["base_unit"] = .string(baseUnit.rawValue)
        case .unit(let baseUnit, let factor):
            members["base_unit"] = .string(baseUnit.rawValue)
            members["factor"] = .string("\(factor)")
        case .place(let level, _):
            members["level"] = .string(level.rawValue)
            members["parent_id"] = parentID.map { .string($0.uuidString.lowercased()) } ?? .null
        case .vendor(let nif, let rccm):
            members["nif"] = nif.map(JSONValue.string) ?? .null
            members["rccm"] = rccm.map(JSONValue.string) ?? .null
        }
        return MarketEventPayload(.catalogEntryCreated, members)
    }

    public static func aliasAdded(_ alias: String) -> MarketEventPayload {
        MarketEventPayload(.catalogAliasAdded, ["alias": .string(alias)])
    }

    /// The observation with the ids it was resolved to; prices as decimal text (exact).
    public static func signalProposed(itemID: UUID, unitID: UUID, unitPrice: Decimal, currency: String, placeID: UUID, vendorID: UUID?,
                                      observedOn: String, source: SignalSource, sourceDetail: String?, caseID: UUID?, note: String?) -> MarketEventPayload {
        MarketEventPayload(.signalProposed, [
            "item_id": .string(itemID.uuidString.lowercased()),
            "unit_id": .string(unitID.uuidString.lowercased()),
            "unit_price": .string("\(unitPrice)"),
            "currency": .string(currency),
            "place_id": .string(placeID.uuidString.lowercased()),
            "vendor_id": vendorID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "observed_on": .string(observedOn),
            "source": .string(source.rawValue),
            "source_detail": sourceDetail.map(JSONValue.string) ?? .null,
            "case_id": caseID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "note": note.map(JSONValue.string) ?? .null,
        ])
    }

    public static func reviewed(_ review: SignalReview) -> MarketEventPayload {
        switch review {
        case .validate: MarketEventPayload(.signalValidated, [:])
        case .reject(let reason): MarketEventPayload(.signalRejected, ["reason": .string(reason)])
        }
    }
}
