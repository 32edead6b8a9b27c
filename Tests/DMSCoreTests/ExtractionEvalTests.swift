import DMSCore
import Foundation
import Testing

/// Runs the extractors over the labelled corpus in `Tests/ExtractionCorpus` and scores every field
/// against what a person reads: `tune` (used to write rules), `heldout` (set aside before the rules
/// changed) and `blind` (written after them); neither of the last two is used to tune.
/// `scripts/eval_extraction` prints the figures from the JSON this writes to `DMS_EVAL_OUT`.
@Suite("Extraction evaluation on the labelled corpus")
struct ExtractionEvalTests {
    struct Labels: Decodable {
        let documents: [Document]
    }

    struct Document: Decodable {
        let file: String
        let kind: String
        let supplier: [String]?
        let total: Decimal?
        let currency: String?
        let tax: String?
        let delivery: Int?
        let validity: Int?
        let criteria: [ExpectedCriterion]?
        let weights_warning: Bool?
    }

    struct ExpectedCriterion: Decodable {
        let label: String
        let points: Decimal?
        let weight: Decimal?
        let eliminatory: Bool
    }

    /// One scored value. `outcome`: right, wrong (present but differs), missing (present, not
    /// found), invented (found, not present), absent (neither).
    struct Record: Encodable {
        let part: String
        let file: String
        let field: String
        let expected: String?
        let got: String?
        let confidence: String?
        let outcome: String
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ExtractionCorpus")

    /// `.txt`: one line per paragraph, table rows as cells joined by ` | ` (as DOCX text comes
    /// out); `.layout`: `pdftotext -layout` output, read as PDFs are.
    static func text(_ file: URL) throws -> DocumentText {
        let raw = try String(contentsOf: file, encoding: .utf8)
        let lines = file.pathExtension == "layout"
            ? LayoutText.lines(raw)
            : raw.split(whereSeparator: \.isNewline).enumerated().map { TextLine(String($0.element), at: .paragraph($0.offset + 1)) }
        return DocumentText(documentID: UUID(), sha256: String(repeating: "0", count: 64), lines: lines)
    }

    static func score(part: String) throws -> [Record] {
        let folder = Self.corpus.appendingPathComponent(part)
        let labels = try JSONDecoder().decode(Labels.self, from: Data(contentsOf: folder.appendingPathComponent("labels.json")))
        var records: [Record] = []
        for document in labels.documents {
            let text = try Self.text(folder.appendingPathComponent(document.file))
            func record(_ field: String, expected: String?, got: String?, confidence: Confidence?, right: Bool) {
                let outcome = switch (expected, got) {
                case (nil, nil): "absent"
                case (nil, _): "invented"
                case (_, nil): "missing"
                default: right ? "right" : "wrong"
                }
                records.append(Record(part: part, file: document.file, field: field, expected: expected, got: got,
                                      confidence: got == nil ? nil : confidence?.rawValue, outcome: outcome))
            }
            if document.kind == "dao" {
                records += Self.scoreCriteria(document, text, part: part)
                continue
            }
            let facts = OfferExtractor.extract(text)
            let keys = Set((document.supplier ?? []).map(SupplierName.key))
            record("supplier", expected: document.supplier?.first, got: facts.supplier.value, confidence: facts.supplier.confidence,
                   right: facts.supplier.value.map { keys.contains(SupplierName.key($0)) } ?? false)
            let money = facts.totalAmount.value
            record("total_amount", expected: document.total.map { "\($0) \(document.currency ?? "XOF")" },
                   got: money.map { "\($0.amount) \($0.currency)" }, confidence: facts.totalAmount.confidence,
                   right: money?.amount == document.total && money?.currency == (document.currency ?? "XOF"))
            record("tax", expected: document.tax, got: money?.tax?.rawValue, confidence: facts.totalAmount.confidence,
                   right: money?.tax?.rawValue == document.tax)
            record("delivery_days", expected: document.delivery.map(String.init), got: facts.deliveryDays.value.map(String.init),
                   confidence: facts.deliveryDays.confidence, right: facts.deliveryDays.value == document.delivery)
            record("validity_days", expected: document.validity.map(String.init), got: facts.validityDays.value.map(String.init),
                   confidence: facts.validityDays.confidence, right: facts.validityDays.value == document.validity)
        }
        return records
    }

    /// Each expected criterion is found by its label and right only with its points, weight and
    /// eliminatory flag; an extracted criterion no expected one matches is invented.
    static func scoreCriteria(_ document: Document, _ text: DocumentText, part: String) -> [Record] {
        let criteria = CriteriaExtractor.extract(text)
        var used = Set<Int>()
        var records: [Record] = []
        func describe(_ points: Decimal?, _ weight: Decimal?, _ eliminatory: Bool) -> String {
            "points=\(points.map { "\($0)" } ?? "-") weight=\(weight.map { "\($0)" } ?? "-")\(eliminatory ? " eliminatory" : "")"
        }
        for expected in document.criteria ?? [] {
            let needle = TextFolding.fold(expected.label)
            let index = criteria.indices.first { !used.contains($0) && TextFolding.fold(criteria[$0].label).contains(needle) }
            let want = "\(expected.label): " + describe(expected.points, expected.weight, expected.eliminatory)
            guard let index else {
                records.append(Record(part: part, file: document.file, field: "criteria", expected: want, got: nil, confidence: nil, outcome: "missing"))
                continue
            }
            used.insert(index)
            let found = criteria[index]
            let right = found.points == expected.points && found.weightPercent == expected.weight && found.eliminatory == expected.eliminatory
            records.append(Record(part: part, file: document.file, field: "criteria", expected: want,
                                  got: "\(found.label): " + describe(found.points, found.weightPercent, found.eliminatory),
                                  confidence: nil, outcome: right ? "right" : "wrong"))
        }
        for index in criteria.indices where !used.contains(index) {
            let found = criteria[index]
            records.append(Record(part: part, file: document.file, field: "criteria", expected: nil,
                                  got: "\(found.label): " + describe(found.points, found.weightPercent, found.eliminatory),
                                  confidence: nil, outcome: "invented"))
        }
        let warned = !CriteriaExtractor.warnings(criteria).isEmpty
        let expectWarning = document.weights_warning ?? false
        records.append(Record(part: part, file: document.file, field: "weights_warning", expected: expectWarning ? "warning" : nil,
                              got: warned ? "warning" : nil, confidence: nil, outcome: warned == expectWarning ? (warned ? "right" : "absent") : (warned ? "invented" : "missing")))
        return records
    }

    @Test("no value is wrong and high on either part of the corpus; results written for scripts/eval_extraction")
    func evaluate() throws {
        var all: [Record] = []
        for part in ["tune", "heldout", "blind"] {
            let records = try Self.score(part: part)
            #expect(records.count >= 40, "\(part): too few scored values")
            let wrongHigh = records.filter { ($0.outcome == "wrong" || $0.outcome == "invented") && $0.confidence == "high" }
            #expect(wrongHigh.isEmpty, "\(part): wrong but high: \(wrongHigh.map { "\($0.file) \($0.field) \($0.got ?? "")" })")
            all += records
        }
        if let path = ProcessInfo.processInfo.environment["DMS_EVAL_OUT"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(all).write(to: URL(fileURLWithPath: path))
        }
    }
}
