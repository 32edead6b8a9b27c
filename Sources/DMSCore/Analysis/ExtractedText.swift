import Foundation

/// Where in a document a piece of text sits: a PDF page or a DOCX/XLSX paragraph (row).
public enum TextLocation: Sendable, Hashable, CustomStringConvertible {
    case page(Int)
    case paragraph(Int)

    public var description: String {
        switch self {
        case .page(let number): "page \(number)"
        case .paragraph(let number): "§\(number)"
        }
    }

    /// The inverse of `description` (`page 3`, `§12`).
    public init?(parsing text: String) {
        if text.hasPrefix("page "), let number = Int(text.dropFirst(5)) {
            self = .page(number)
        } else if text.hasPrefix("§"), let number = Int(text.dropFirst()) {
            self = .paragraph(number)
        } else {
            return nil
        }
    }
}

/// One line of text and where it came from.
public struct TextLine: Sendable, Hashable {
    public let text: String
    public let location: TextLocation

    public init(_ text: String, at location: TextLocation) {
        self.text = text
        self.location = location
    }
}

/// How a document's text was obtained: from its own text (DOCX, XLSX, a PDF's text layer) or by
/// optical character recognition of a scanned PDF, whose every value is then `low`.
public enum TextSource: String, Sendable, Hashable {
    case native
    case ocr
}

/// The text of one stored document, line by line, with its identity for traceability.
public struct DocumentText: Sendable, Hashable {
    public let documentID: UUID
    public let sha256: String
    public let lines: [TextLine]
    public let source: TextSource
    /// What went wrong or was left out while reading (French, without the file name): OCR not
    /// installed, a page over its time budget, pages beyond the cap. The analysis reports them.
    public let warnings: [String]

    public init(documentID: UUID, sha256: String, lines: [TextLine], source: TextSource = .native, warnings: [String] = []) {
        self.documentID = documentID
        self.sha256 = sha256
        self.lines = lines.filter { !$0.text.trimmingWhitespace().isEmpty }
        self.source = source
        self.warnings = warnings
    }

    /// A scanned PDF without a text layer has nothing to read.
    public var isEmpty: Bool { self.lines.isEmpty }
}

/// Where an extracted value came from: the document (id and SHA-256), the place in it, the text.
public struct SourceRef: Sendable, Hashable {
    public let documentID: UUID
    public let sha256: String
    public let location: TextLocation
    public let snippet: String

    public init(documentID: UUID, sha256: String, location: TextLocation, snippet: String) {
        self.documentID = documentID
        self.sha256 = sha256
        self.location = location
        self.snippet = String(snippet.trimmingWhitespace().prefix(300))
    }

    public init(_ document: DocumentText, _ line: TextLine) {
        self.init(documentID: document.documentID, sha256: document.sha256, location: line.location, snippet: line.text)
    }
}

public enum Confidence: String, Sendable, Hashable {
    /// Read after an explicit label of that exact field (`Montant total TTC : …`), alone on its
    /// line and consistent with the rest of the document.
    case high
    /// Inferred (a letterhead, the largest amount, a sentence), or in conflict with another
    /// value of the document (kept in `candidates`).
    case low
}

/// Another value the document gives for the same field, kept beside the chosen one so that a
/// person sees what was in conflict (a second total, a letterhead that differs from the label).
public struct Candidate<Value: Sendable & Hashable>: Sendable, Hashable {
    public let value: Value
    public let source: SourceRef

    public init(_ value: Value, _ source: SourceRef) {
        self.value = value
        self.source = source
    }
}

/// A value found in a document, or `nil`: then the field is `REVUE MANUELLE`, never guessed.
public struct Extracted<Value: Sendable & Hashable>: Sendable, Hashable {
    public static var manualReview: String { "REVUE MANUELLE" }

    public let value: Value?
    public let confidence: Confidence?
    public let source: SourceRef?
    /// The other values read for this field (in conflict, or inferred), each with its source.
    /// Empty when the document gives one value.
    public let candidates: [Candidate<Value>]

    public init(_ value: Value, _ confidence: Confidence, _ source: SourceRef, candidates: [Candidate<Value>] = []) {
        self.value = value
        self.confidence = confidence
        self.source = source
        self.candidates = candidates
    }

    private init() {
        self.value = nil
        self.confidence = nil
        self.source = nil
        self.candidates = []
    }

    public static var missing: Extracted<Value> { Extracted() }

    public var isMissing: Bool { self.value == nil }

    /// The same reading at `low` confidence (a missing value stays missing).
    public var lowered: Extracted<Value> {
        guard let value = self.value, let source = self.source else { return self }
        return Extracted(value, .low, source, candidates: self.candidates)
    }
}
