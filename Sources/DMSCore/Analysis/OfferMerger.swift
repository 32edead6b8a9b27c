import Foundation

/// One supplier's offer, merged from all its documents (technical and financial parts sent apart).
public struct SupplierOffer: Sendable, Hashable {
    /// Stable identity within a case: the folded name, or the document id when no name was found.
    public let key: String
    public var facts: OfferFacts
}

/// Groups offer documents by supplier. Names match on `SupplierName.key` (case, accents,
/// punctuation, legal forms folded); documents without a name are never merged with anything.
/// Suppliers come out in alphabetical order: the system never orders them by anything else.
public enum OfferMerger {
    public static func merge(_ documents: [OfferFacts]) -> [SupplierOffer] {
        var offers: [String: OfferFacts] = [:]
        var order: [String] = []
        for facts in documents {
            let key = facts.supplier.value.map(SupplierName.key).flatMap { $0.isEmpty ? nil : $0 }
                ?? "revue-manuelle-\(facts.documentIDs.first?.uuidString.lowercased() ?? UUID().uuidString)"
            if var existing = offers[key] {
                existing.absorb(facts)
                offers[key] = existing
            } else {
                offers[key] = facts
                order.append(key)
            }
        }
        return order.map { SupplierOffer(key: $0, facts: offers[$0]!) }.sorted(by: Self.alphabetical)
    }

    /// Alphabetical by name as shown (accents and case folded); unnamed offers last.
    static func alphabetical(_ lhs: SupplierOffer, _ rhs: SupplierOffer) -> Bool {
        switch (lhs.facts.supplier.value, rhs.facts.supplier.value) {
        case (.some(let left), .some(let right)):
            let (l, r) = (TextFolding.fold(left), TextFolding.fold(right))
            return l == r ? lhs.key < rhs.key : l < r
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return lhs.key < rhs.key
        }
    }
}

extension OfferFacts {
    /// Takes from `other` what this offer lacks, or what it knows more surely. Two documents of
    /// one supplier that give different values for a field leave it `low`, both values kept.
    mutating func absorb(_ other: OfferFacts) {
        // Names already agree on their key (that is how the documents were grouped).
        self.supplier = Self.better(self.supplier, other.supplier, conflictLowers: false)
        self.totalAmount = Self.better(self.totalAmount, other.totalAmount)
        self.deliveryDays = Self.better(self.deliveryDays, other.deliveryDays)
        self.validityDays = Self.better(self.validityDays, other.validityDays)
        self.parts.formUnion(other.parts)
        self.documentIDs.append(contentsOf: other.documentIDs)
    }

    static func better<V>(_ mine: Extracted<V>, _ theirs: Extracted<V>, conflictLowers: Bool = true) -> Extracted<V> {
        if mine.isMissing { return theirs }
        if theirs.isMissing { return mine }
        let (chosen, other) = mine.confidence == .low && theirs.confidence == .high ? (theirs, mine) : (mine, theirs)
        guard conflictLowers, let value = chosen.value, let source = chosen.source, let otherValue = other.value, let otherSource = other.source,
              value != otherValue else { return chosen }
        let candidates = chosen.candidates + [Candidate(otherValue, otherSource)] + other.candidates.filter { $0.value != value }
        return Extracted(value, .low, source, candidates: candidates)
    }
}
