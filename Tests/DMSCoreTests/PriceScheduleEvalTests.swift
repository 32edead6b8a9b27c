import DMSCore
import Foundation
import Testing

/// Reads the labelled price-schedule corpus (`Tests/PriceScheduleCorpus`, a test resource) and
/// scores every line against what a person reads: `tune` (used to write the rules) is held to a
/// floor; `blind` (written before the rules) and `extra` (the schedules of `Tests/ExtractionCorpus`)
/// are only printed, never asserted.
@Suite("Price schedule evaluation on the labelled corpus")
struct PriceScheduleEvalTests {
    struct Labels: Decodable {
        let documents: [Document]
    }

    struct Document: Decodable {
        let file: String
        let source: String?
        let lines: [Expected]
    }

    struct Expected: Decodable {
        let designation: String
        let unit: String?
        let quantity: Decimal?
        let unit_price: Decimal?
        let line_total: Decimal?
        let arithmetic: String
    }

    struct Score: CustomStringConvertible {
        var expected = 0
        var found = 0
        var exact = 0
        /// Found lines whose designation matched an expected one, and how many of those carry the right flag.
        var matched = 0
        var arithmeticRight = 0
        var wrongHigh = 0
        var misses: [String] = []

        var precision: Double { self.found == 0 ? 1 : Double(self.exact) / Double(self.found) }
        var recall: Double { self.expected == 0 ? 1 : Double(self.exact) / Double(self.expected) }
        var arithmeticAccuracy: Double { self.matched == 0 ? 1 : Double(self.arithmeticRight) / Double(self.matched) }

        var description: String {
            func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
            return "lines expected \(self.expected), found \(self.found), exact \(self.exact); precision \(percent(self.precision)), "
                + "recall \(percent(self.recall)); arithmetic flag \(self.arithmeticRight)/\(self.matched) (\(percent(self.arithmeticAccuracy))); "
                + "wrong but high \(self.wrongHigh)"
        }
    }

    static func corpus() throws -> URL {
        try #require(Bundle.module.url(forResource: "PriceScheduleCorpus", withExtension: nil))
    }

    /// `.txt`: one line per paragraph or table row (` | ` cells, as DOCX and XLSX text comes out);
    /// `.layout`: `pdftotext -layout` output; `.ocr`: Tesseract output, spaces collapsed as the OCR reader does.
    static func document(_ file: URL, source: String?) throws -> DocumentText {
        let raw = try String(contentsOf: file, encoding: .utf8)
        let sha = String(repeating: "0", count: 64)
        switch file.pathExtension {
        case "layout":
            return DocumentText(documentID: UUID(), sha256: sha, lines: LayoutText.lines(raw))
        case "ocr":
            let lines = raw.split(whereSeparator: \.isNewline).map { line in
                TextLine(line.split(whereSeparator: \.isWhitespace).joined(separator: " "), at: .page(1))
            }
            return DocumentText(documentID: UUID(), sha256: sha, lines: lines, source: .ocr)
        default:
            let lines = raw.split(whereSeparator: \.isNewline).enumerated().map { TextLine(String($0.element), at: .paragraph($0.offset + 1)) }
            return DocumentText(documentID: UUID(), sha256: sha, lines: lines, source: source == "ocr" ? .ocr : .native)
        }
    }

    static func key(_ text: String) -> String {
        TextFolding.fold(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func same(_ left: Decimal?, _ right: Decimal?) -> Bool {
        switch (left, right) {
        case (nil, nil): true
        case let (left?, right?): abs(NSDecimalNumber(decimal: left - right).doubleValue) < 0.0001
        default: false
        }
    }

    static func isExact(_ line: PriceLine, _ expected: Expected) -> Bool {
        Self.key(line.designation) == Self.key(expected.designation) && line.unit.map(Self.key) == expected.unit.map(Self.key)
            && Self.same(line.quantity, expected.quantity) && Self.same(line.unitPrice, expected.unit_price)
            && Self.same(line.lineTotal, expected.line_total)
    }

    static func describe(_ line: PriceLine) -> String {
        func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "-" }
        return "\(line.designation) [\(line.unit ?? "-")] \(text(line.quantity)) × \(text(line.unitPrice)) = \(text(line.lineTotal)) "
            + "\(line.arithmetic.rawValue) \(line.confidence.rawValue)"
    }

    /// Scores the files of `labels` found in `folder`.
    static func score(_ folder: URL, labels: URL) throws -> Score {
        let labels = try JSONDecoder().decode(Labels.self, from: Data(contentsOf: labels))
        var score = Score()
        for document in labels.documents {
            let found = PriceScheduleReader.read(try Self.document(folder.appendingPathComponent(document.file), source: document.source))
            score.expected += document.lines.count
            score.found += found.count
            var unused = Array(document.lines.indices)
            for line in found {
                guard let position = unused.firstIndex(where: { Self.key(document.lines[$0].designation) == Self.key(line.designation) }) else {
                    score.misses.append("\(document.file): invented \(Self.describe(line))")
                    if line.confidence == .high { score.wrongHigh += 1 }
                    continue
                }
                let expected = document.lines[unused.remove(at: position)]
                score.matched += 1
                if line.arithmetic.rawValue == expected.arithmetic { score.arithmeticRight += 1 }
                if Self.isExact(line, expected) {
                    score.exact += 1
                } else {
                    score.misses.append("\(document.file): wrong \(Self.describe(line))")
                    if line.confidence == .high { score.wrongHigh += 1 }
                }
            }
            score.misses += unused.map { "\(document.file): missed \(document.lines[$0].designation)" }
        }
        return score
    }

    @Test("tune part above its floor, with no wrong value at high; blind and extra parts printed")
    func evaluate() throws {
        let corpus = try Self.corpus()
        // DMS_PRICE_EVAL_VERBOSE=tune,blind lists each part's misses.
        let verbose = Set((ProcessInfo.processInfo.environment["DMS_PRICE_EVAL_VERBOSE"] ?? "").split(separator: ",").map(String.init))
        var scores: [String: Score] = [:]
        for part in ["tune", "blind"] {
            let folder = corpus.appendingPathComponent(part)
            scores[part] = try Self.score(folder, labels: folder.appendingPathComponent("labels.json"))
        }
        // The schedules of the extraction corpus, read in place (its files and labels untouched).
        scores["extra"] = try Self.score(ExtractionEvalTests.corpus, labels: corpus.appendingPathComponent("extra/labels.json"))
        for part in ["tune", "blind", "extra"] {
            guard let score = scores[part] else { continue }
            print("[price schedule \(part)] \(score)")
            if verbose.contains(part) { score.misses.forEach { print("[price schedule \(part)]   \($0)") } }
        }
        let tune = try #require(scores["tune"])
        #expect(tune.expected >= 40, "tune: too few labelled lines")
        #expect(tune.recall >= 0.85, "tune recall \(tune.recall): \(tune.misses)")
        #expect(tune.precision >= 0.85, "tune precision \(tune.precision): \(tune.misses)")
        #expect(tune.arithmeticAccuracy >= 0.9, "tune arithmetic flags: \(tune.misses)")
        #expect(tune.wrongHigh == 0, "tune: wrong but high: \(tune.misses)")
    }
}
