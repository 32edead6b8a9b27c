import Foundation

/// What a column of a price schedule holds, as its header names it.
enum PriceColumn: Sendable, Hashable {
    case number
    case designation
    case unit
    case quantity
    case unitPrice
    case total
    case other

    var isFigure: Bool { self == .quantity || self == .unitPrice || self == .total }

    /// Keywords of each column, tried in this order on a folded header cell: « Prix unitaire » is
    /// a price before it is a unit, « N° prix » a number before it is a price.
    static let keywords: [(PriceColumn, NSRegularExpression)] = ([
        (.number, #"^(?:n\s*°|no\.?|num(?:ero)?\.?|items?|ref(?:erence)?\.?|code|art\.?|#)(?:\s*(?:prix|d'ordre|article))?$|^prix\s*n\s*°$"#),
        (.unitPrice, #"prix\s+unit|\bp\s*\.\s*u\b\.?|\bpu\b|\bp/u\b|cout\s+unit"#),
        (.total, #"montant|prix\s+total|\btotal|\bp\s*\.\s*t\b\.?|\bpt\b|cout\s+total"#),
        (.quantity, #"quantite|\bqte?s?\b|\bqty\b|\bnombre\b|\bnbre?\b"#),
        (.unit, #"^u\.?$|\bunite|^unit\.?$|^u\.?\s*m\.?$"#),
        (.designation, #"designation|libelle|\barticles?\b|description|\bproduits?\b|denomination"#),
    ] as [(PriceColumn, String)]).map { ($0.0, try! NSRegularExpression(pattern: $0.1)) }

    /// The column a header cell names (`other` for « Observations », « Prix en lettres »…).
    static func named(_ folded: String) -> PriceColumn {
        let text = folded.trimmingWhitespace()
        guard !text.isEmpty, !text.contains("lettre") else { return .other }
        let range = NSRange(text.startIndex..., in: text)
        return Self.keywords.first { $0.1.firstMatch(in: text, range: range) != nil }?.0 ?? .other
    }

    /// The columns named in a run of header words, in order (a header whose cells ran together:
    /// OCR, or PDF columns closer than three spaces): « Désignation Qté P.U Montant ».
    static func named(inRun folded: String) -> [PriceColumn] {
        let words = folded.split(separator: " ").map(String.init)
        var columns: [PriceColumn] = []
        var index = 0
        while index < words.count {
            let pair = index + 1 < words.count ? "\(words[index]) \(words[index + 1])" : ""
            var column = Self.named(words[index])
            // « Prix unitaire », « Prix total »: two words for one column.
            if column == .other, !pair.isEmpty, case let named = Self.named(pair), named == .unitPrice || named == .total {
                column = named
                index += 1
            }
            if column != .other, columns.last != column { columns.append(column) }
            index += 1
        }
        return columns
    }
}

/// The header row of a price schedule: a designation column and at least two of unit, quantity,
/// unit price and total. Rows under it are read by the columns it names.
struct PriceHeader {
    /// One entry per cell of the header line.
    private(set) var columns: [PriceColumn]
    /// The header cells as written, to complete them with a second header line.
    private var cells: [String]
    private(set) var currency: String?
    /// Its cells ran together (or one cell named two columns): rows are read by their figures,
    /// not by position.
    let isRun: Bool

    init?(_ row: PriceRowText) {
        guard !row.isTotal, !row.filled.contains(where: { PriceNumber.value($0) != nil }) else { return nil }
        var isRun = row.filled.count <= 1
        var columns = row.cells.map { PriceColumn.named(TextFolding.fold($0)) }
        if !isRun, row.cells.contains(where: { PriceColumn.named(inRun: TextFolding.fold($0)).count > 1 }) { isRun = true }
        if isRun {
            columns = PriceColumn.named(inRun: row.folded)
            // A sentence that names the columns (« la quantité, le prix unitaire de chaque article ») is not a header.
            guard row.folded.split(separator: " ").count <= 2 * columns.count + 4 else { return nil }
        }
        guard Self.isSchedule(&columns, cells: isRun ? nil : row.cells, allowUnnamedDesignation: !isRun) else { return nil }
        self.columns = columns
        self.cells = row.cells
        self.isRun = isRun
        self.currency = MoneyParser.currency(in: row.text)
    }

    /// A designation column and two figure or unit columns; without a designation keyword, the
    /// first unnamed column before three named ones (« Nature des prestations | Qté | PU | Montant »).
    static func isSchedule(_ columns: inout [PriceColumn], cells: [String]? = nil, allowUnnamedDesignation: Bool) -> Bool {
        // « Article | Description »: the article is the line's reference, the description its designation.
        if let cells, cells.count == columns.count, columns.filter({ $0 == .designation }).count > 1,
           let article = columns.indices.first(where: { columns[$0] == .designation && TextFolding.fold(cells[$0]).hasPrefix("article") }),
           columns[(article + 1)...].contains(.designation) {
            columns[article] = .number
        }
        var seen = Set<PriceColumn>()
        for (index, column) in columns.enumerated() where column != .other {
            // A second column of the same kind (« Montant HT | Montant TTC ») is read as the first.
            if !seen.insert(column).inserted { columns[index] = .other }
        }
        let named = seen.intersection([.unit, .quantity, .unitPrice, .total]).count
        if !seen.contains(.designation), allowUnnamedDesignation, named >= 3,
           let first = columns.firstIndex(where: { $0 != .number }), columns[first] == .other {
            columns[first] = .designation
            seen.insert(.designation)
        }
        return seen.contains(.designation) && named >= 2
    }

    func index(of column: PriceColumn) -> Int? { self.columns.firstIndex(of: column) }

    /// The same table's header repeated (on a new page) keeps the currency the first one named.
    mutating func inherit(_ previous: PriceHeader?) {
        if self.currency == nil, let previous, previous.columns == self.columns { self.currency = previous.currency }
    }

    /// The figure columns after the designation, in order.
    var figures: [PriceColumn] { self.columns.filter(\.isFigure) }

    /// Words of a header's second line: the rest of split names, tax and currency.
    static let continuationWords: Set<String> = [
        "en", "hors", "taxes", "ht", "ttc", "htva", "unitaire", "unitaires", "total", "totaux", "unit", "montant", "prix", "quantite",
        "qte", "unite", "u", "fcfa", "cfa", "f", "xof", "francs", "gnf", "eur", "euros", "usd", "chiffres", "pu", "pt", "p.u", "p.t",
    ]

    /// A line that can be a header's second line: no figure, only header words (« (F CFA) », « Unitaire | Total »).
    static func isContinuation(_ row: PriceRowText) -> Bool {
        let words = row.folded.split(whereSeparator: { !$0.isLetter && $0 != "." }).map { String($0).trimmingCharacters(in: ["."]) }
        return !row.text.contains(where: \.isNumber) && words.contains { !$0.isEmpty }
            && words.allSatisfy { $0.isEmpty || Self.continuationWords.contains($0) }
    }

    /// The columns of a header completed by its second line; a merged first-line cell spans the
    /// extra cells of the second.
    static func combined(_ cells: [String], _ next: [String]) -> (cells: [String], columns: [PriceColumn]) {
        var cells = cells
        while cells.count < next.count { cells.append(cells.last ?? "") }
        let columns = zip(cells, next).map { first, second in
            // « Prix (F CFA) » above « Unitaire »: the second line says which price.
            let first = TextFolding.fold(first)
            return PriceColumn.named(first.contains("prix") ? "prix \(TextFolding.fold(second)) \(first)" : "\(first) \(TextFolding.fold(second))")
        }
        return (cells, columns)
    }

    /// A header on two lines whose first alone names too few columns (« Désignation | Qté | Prix »
    /// above « | | Unitaire | Total »).
    init?(_ row: PriceRowText, continuedBy next: PriceRowText) {
        guard !row.isTotal, row.filled.count > 1, !row.filled.contains(where: { PriceNumber.value($0) != nil }), Self.isContinuation(next),
              next.cells.count >= row.cells.count else { return nil }
        var (cells, columns) = Self.combined(row.cells, next.cells)
        guard Self.isSchedule(&columns, cells: cells, allowUnnamedDesignation: true) else { return nil }
        self.columns = columns
        self.cells = cells
        self.isRun = false
        self.currency = MoneyParser.currency(in: row.text) ?? MoneyParser.currency(in: next.text)
    }

    /// A second header line under this one: its currency, and the rest of split names. Returns
    /// false when the line is not one.
    mutating func absorb(_ row: PriceRowText) -> Bool {
        guard Self.isContinuation(row) else { return false }
        self.currency = self.currency ?? MoneyParser.currency(in: row.text)
        guard !self.isRun, row.cells.count >= self.cells.count else { return true }
        var (cells, columns) = Self.combined(self.cells, row.cells)
        if Self.isSchedule(&columns, cells: cells, allowUnnamedDesignation: true) {
            self.columns = columns
            self.cells = cells
        }
        return true
    }
}
