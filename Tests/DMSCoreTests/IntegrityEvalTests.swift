@testable import DMSCore
import Foundation
import Testing

/// Runs the integrity scan over the labelled cases in `Tests/IntegrityCorpus` and scores the links
/// it finds against what a person sees in the files: `tune` (used to write the rules) and `blind`
/// (written after the rules, in other words and formats, never used to change them). Each
/// expected link is `{kind, subject?, suppliers}`; anything else the scan reports is a false link.
@Suite("Integrity evaluation on the labelled corpus")
struct IntegrityEvalTests {
    struct Case: Decodable {
        let name: String
        let dao: [Document]
        let offers: [Offer]
        let expected: [Expected]
    }

    struct Offer: Decodable {
        let supplier: String
        let total: Decimal?
        let tax: String?
        let price_lines: [PriceRow]?
        let documents: [Document]
    }

    struct PriceRow: Decodable {
        let designation: String
        let unit_price: Decimal
    }

    struct Document: Decodable {
        let file: String
        let format: String?
        let lines: [String]
        let metadata: [String: String]?
    }

    struct Expected: Decodable, Hashable {
        let kind: String
        let subject: String?
        let suppliers: [String]
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IntegrityCorpus")

    struct Score {
        var found = 0
        var expected = 0
        var right = 0
        var misses: [String] = []
        var extras: [String] = []
    }

    static func links(_ labelled: Case) -> [IntegrityLink] {
        var filenames: [UUID: String] = [:]
        func read(_ document: Document) -> (DocumentText, DocumentMetadata?) {
            let text = DocumentText(documentID: UUID(), sha256: String(repeating: "0", count: 64),
                                    lines: document.lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) })
            filenames[text.documentID] = document.file
            guard let values = document.metadata else { return (text, nil) }
            var fields: [MetadataField: String] = [:]
            for field in MetadataField.allCases { fields[field] = values[field.rawValue] }
            let metadata = DocumentMetadata(documentID: text.documentID, sha256: text.sha256, format: document.format == "pdf" ? .pdf : .office,
                                            values: fields, created: values["created"].flatMap { ISO8601DateFormatter().date(from: $0) })
            return (text, metadata)
        }
        let dao = labelled.dao.map(read)
        let offers = labelled.offers.map { offer in
            let documents = offer.documents.map(read)
            let first = documents[0].0
            let source = SourceRef(documentID: first.documentID, sha256: first.sha256, location: .paragraph(1), snippet: "Montant total")
            let lines = (offer.price_lines ?? []).enumerated().map { index, row in
                PriceLine(designation: row.designation, unit: nil, quantity: nil, unitPrice: row.unit_price, lineTotal: nil, currency: "XOF",
                          confidence: .high, arithmetic: .incomplete,
                          source: SourceRef(documentID: first.documentID, sha256: first.sha256, location: .paragraph(100 + index), snippet: row.designation))
            }
            let total: Extracted<Money> = offer.total.map { Extracted(Money(amount: $0, tax: offer.tax.flatMap(Money.Tax.init)), .high, source) } ?? .missing
            return IntegrityOffer(party: .init(key: SupplierName.key(offer.supplier), name: offer.supplier), documents: documents.map(\.0),
                                  metadata: documents.compactMap(\.1), priceLines: lines, total: total)
        }
        return IntegrityScan.links(dao: dao.map(\.0), daoMetadata: dao.compactMap(\.1), offers: offers, filenames: filenames)
    }

    static func score(part: String) throws -> [String: Score] {
        let folder = Self.corpus.appendingPathComponent(part)
        var scores: [String: Score] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).sorted(by: { $0.path < $1.path })
        where file.pathExtension == "json" {
            let labelled = try JSONDecoder().decode(Case.self, from: Data(contentsOf: file))
            let links = Self.links(labelled)
            var unmatched = labelled.expected
            for kind in Set(links.map(\.kind.rawValue) + labelled.expected.map(\.kind)) where scores[kind] == nil { scores[kind] = Score() }
            for expected in labelled.expected { scores[expected.kind]!.expected += 1 }
            for link in links {
                scores[link.kind.rawValue]!.found += 1
                let pair = Set(link.suppliers.map(\.name))
                if let index = unmatched.firstIndex(where: { $0.kind == link.kind.rawValue && Set($0.suppliers) == pair && ($0.subject == nil || $0.subject == link.subject) }) {
                    unmatched.remove(at: index)
                    scores[link.kind.rawValue]!.right += 1
                } else {
                    scores[link.kind.rawValue]!.extras.append("\(labelled.name): \(link.note)")
                }
            }
            for missed in unmatched {
                scores[missed.kind]!.misses.append("\(labelled.name): \(missed.kind) \(missed.subject ?? "") \(missed.suppliers)")
            }
        }
        return scores
    }

    static func report(_ part: String, _ scores: [String: Score], details: Bool) -> String {
        var lines: [String] = []
        var total = Score()
        for kind in scores.keys.sorted() {
            let score = scores[kind]!
            total.found += score.found
            total.expected += score.expected
            total.right += score.right
            lines.append("  \(kind): \(score.right)/\(score.found) links right (precision), \(score.right)/\(score.expected) expected found (recall)")
            if details {
                lines += score.misses.map { "    missed: \($0)" } + score.extras.map { "    false: \($0)" }
            }
        }
        lines.insert("\(part): \(total.right)/\(total.found) right, \(total.right)/\(total.expected) found", at: 0)
        return lines.joined(separator: "\n")
    }

    @Test("tune part: every expected link found, no other")
    func tune() throws {
        let scores = try Self.score(part: "tune")
        print(Self.report("tune", scores, details: true))
        for (kind, score) in scores {
            #expect(score.misses.isEmpty && score.extras.isEmpty, "\(kind): \(score.misses) \(score.extras)")
        }
    }

    /// The blind part is measured, never tuned on: its misses are not printed, only the figures.
    @Test("blind part: measured and reported")
    func blind() throws {
        let scores = try Self.score(part: "blind")
        print(Self.report("blind", scores, details: false))
        #expect(!scores.isEmpty)
    }
}
