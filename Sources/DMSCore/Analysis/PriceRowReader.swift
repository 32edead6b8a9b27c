import Foundation

/// What a row under a price-schedule header says, before it becomes a `PriceLine`.
struct PriceRowReading {
    let designation: String
    let unit: String?
    let quantity: Decimal?
    let unitPrice: Decimal?
    let lineTotal: Decimal?
    let currency: String?
    /// The figures were placed by inference (cells missing or run together), not by their cells.
    let inferred: Bool
}

/// Reads one row by the columns of its header: by position when the row has the header's cells,
/// by the order of its cells when some are missing, by its figures when the cells ran together.
enum PriceRowReader {
    enum Outcome {
        case line(PriceRowReading)
        /// A row of the table with no figure: a section title (« LOT 1 : Gros œuvre »).
        case title
        /// Not a row of this table.
        case outside
    }

    static func read(_ row: PriceRowText, under header: PriceHeader) -> Outcome {
        let filled = row.filled
        if header.isRun || filled.count <= 1 {
            guard let reading = Self.readRun(row, header) else { return .outside }
            // A line of native text without cells is a row only when its figures prove it.
            if !header.isRun, !row.ocr, Self.arithmetic(reading) != .ok { return .outside }
            return .line(reading)
        }
        if row.cells.count == header.columns.count, Self.fitsColumns(row, header) {
            return Self.readCells(row, header).map(Outcome.line) ?? .title
        }
        if let reading = Self.readLoose(row, header) { return .line(reading) }
        // « 100 | INSTALLATION ET REPLI »: a numbered title; other lines without figures are not the table's.
        return PriceRowText.isNumbering(filled[0]) ? .title : .outside
    }

    static func arithmetic(_ reading: PriceRowReading) -> PriceArithmetic {
        PriceArithmetic.check(quantity: reading.quantity, unitPrice: reading.unitPrice, lineTotal: reading.lineTotal)
    }

    /// The right number of cells may still be the wrong ones (a PDF row without its number whose
    /// designation broke in two): the number column must hold a number, the designation no figure.
    static func fitsColumns(_ row: PriceRowText, _ header: PriceHeader) -> Bool {
        if let number = header.index(of: .number), !row.cells[number].isEmpty, !PriceRowText.isNumbering(row.cells[number]) { return false }
        if let designation = header.index(of: .designation), Self.isFigureCell(row.cells[designation]) { return false }
        return true
    }

    /// The row has the header's cells: each is read in its column.
    static func readCells(_ row: PriceRowText, _ header: PriceHeader) -> PriceRowReading? {
        guard let designationIndex = header.index(of: .designation) else { return nil }
        let designation = row.cells[designationIndex]
        let figureCells = header.columns.indices.filter { header.columns[$0].isFigure }.map { row.cells[$0] }
        guard !designation.isEmpty, figureCells.contains(where: { $0.contains(where: \.isNumber) }) else { return nil }
        let values = figureCells.map { PriceNumber.value($0, ocr: row.ocr) }
        let unit = header.index(of: .unit).map { row.cells[$0] }
        return Self.reading(designation, unit: unit, values: values, header.figures, currencyText: figureCells.joined(separator: " "),
                            inferred: false)
    }

    /// The row has fewer or more cells than the header (a spreadsheet leaves empty cells out, a PDF
    /// loses them): numbering, designation, text columns, then figures, in the header's order.
    static func readLoose(_ row: PriceRowText, _ header: PriceHeader) -> PriceRowReading? {
        var cells = row.filled
        guard let designationColumn = header.index(of: .designation) else { return nil }
        if header.columns[..<designationColumn].contains(.number), cells.count > 1, PriceRowText.isNumbering(cells[0]) {
            cells.removeFirst()
        }
        guard let designationIndex = cells.firstIndex(where: { $0.contains(where: \.isLetter) && !Self.isFigureCell($0) }) else {
            return nil
        }
        var designation = cells[designationIndex]
        // « 1 Savon liquide 5 L »: a PDF number column closer than three spaces to the designation.
        if designationIndex == 0, header.columns[..<designationColumn].contains(.number), let space = designation.firstIndex(of: " "),
           PriceRowText.isNumbering(String(designation[..<space])), designation[space...].contains(where: \.isLetter) {
            designation = String(designation[space...])
        }
        let rest = Array(cells[(designationIndex + 1)...])
        let textCells = Array(rest.prefix { !Self.isFigureCell($0) })
        let figureCells = Array(rest.dropFirst(textCells.count))
        guard figureCells.contains(where: { $0.contains(where: \.isNumber) }) else { return nil }
        // Text columns between the designation and the figures: the unit only when they match one to one.
        let after = header.columns[(designationColumn + 1)...]
        let textColumns = Array(after.prefix { !$0.isFigure })
        var unit: String?
        if textCells.count == textColumns.count, let index = textColumns.firstIndex(of: .unit) { unit = textCells[index] }
        let figures = header.figures
        var values: [Decimal?] = Array(repeating: nil, count: figures.count)
        var inferred = false
        let tailColumns = Array(after.dropFirst(textColumns.count))
        if figureCells.count == figures.count {
            values = figureCells.map { PriceNumber.value($0, ocr: row.ocr) }
        } else if figureCells.count == tailColumns.count {
            // Figures in other columns too (« Délai (jours) »): by position among the columns after the text ones.
            values = zip(tailColumns, figureCells).filter { $0.0.isFigure }.map { PriceNumber.value($0.1, ocr: row.ocr) }
        } else if figureCells.count < figures.count {
            let tokens = figureCells.map { Self.figureTokens($0, ocr: row.ocr) }
            if let chosen = Self.choose(Self.readings(tokens, count: figures.count), figures) {
                values = chosen.map(Optional.some)
                inferred = true
            }
        }
        // Figures whose columns cannot be told (two figures for three columns) are left out, and the
        // line kept for a person to complete.
        let readable = figureCells.allSatisfy { PriceNumber.value($0, ocr: row.ocr) != nil }
        return Self.reading(designation, unit: unit, values: values, figures, currencyText: figureCells.joined(separator: " "),
                            inferred: inferred || (figureCells.count != figures.count && figureCells.count != tailColumns.count),
                            keepWithoutFigures: readable)
    }

    /// A row whose cells ran together (OCR, narrow PDF columns): the figures at its end are split
    /// into the header's figure columns, the arithmetic choosing between possible splits.
    static func readRun(_ row: PriceRowText, _ header: PriceHeader) -> PriceRowReading? {
        var tokens = row.filled.joined(separator: " ").split(separator: " ")
        let columns = header.columns.filter { $0 != .other }
        if columns.first == .number, tokens.count > 1, PriceRowText.isNumbering(String(tokens[0])) { tokens.removeFirst() }
        while let last = tokens.last, PriceNumber.noise.contains(TextFolding.fold(String(last))) { tokens.removeLast() }
        if row.ocr { tokens = tokens.map { Substring(PriceNumber.repairedDigits(String($0))) } }
        guard let start = Self.figureRunStart(tokens), start > 0 else { return nil }
        let figures = header.figures
        var chosen: (start: Int, values: [Decimal])?
        var fallback: (start: Int, values: [Decimal])?
        for offset in start..<tokens.count {
            let candidates = PriceNumber.readings(Array(tokens[offset...]), count: figures.count)
            if let values = Self.choose(candidates, figures, requireArithmetic: true) {
                chosen = (offset, values)
                break
            }
            if fallback == nil, !candidates.isEmpty {
                fallback = candidates.count == 1 ? (offset, candidates[0]) : (offset, [])
            }
        }
        // Without cells, figures that cannot be split are no row at all (a date, a phone number).
        guard let picked = chosen ?? fallback.flatMap({ $0.values.isEmpty ? nil : $0 }) else { return nil }
        var words = tokens[..<picked.start].map(String.init)
        var unit: String?
        if let unitIndex = columns.firstIndex(of: .unit), columns.dropFirst(unitIndex + 1).first?.isFigure == true, words.count > 1,
           let last = words.last, last.count <= 6, last.contains(where: \.isLetter) {
            unit = words.removeLast()
        }
        return Self.reading(words.joined(separator: " "), unit: unit, values: picked.values, figures, currencyText: row.text, inferred: true)
    }

    static func reading(_ designation: String, unit: String?, values: [Decimal?], _ figures: [PriceColumn], currencyText: String,
                        inferred: Bool, keepWithoutFigures: Bool = false) -> PriceRowReading? {
        let designation = designation.trimmingWhitespace()
        // A designation without any figure read is no price line (a title, « P.M. » throughout, a phone number).
        guard !designation.isEmpty, keepWithoutFigures || values.contains(where: { $0 != nil }) else { return nil }
        func value(_ column: PriceColumn) -> Decimal? { figures.firstIndex(of: column).flatMap { values.indices.contains($0) ? values[$0] : nil } }
        let unit = unit.map { $0.trimmingWhitespace() }.flatMap { $0.contains(where: \.isLetter) ? $0 : nil }
        return PriceRowReading(designation: designation, unit: unit, quantity: value(.quantity), unitPrice: value(.unitPrice),
                               lineTotal: value(.total), currency: MoneyParser.currency(in: currencyText), inferred: inferred)
    }

    /// One reading among several: the only one whose arithmetic holds, or the only one at all.
    static func choose(_ candidates: [[Decimal]], _ figures: [PriceColumn], requireArithmetic: Bool = false) -> [Decimal]? {
        let holding = Set(candidates.filter { values in
            func value(_ column: PriceColumn) -> Decimal? { figures.firstIndex(of: column).map { values[$0] } }
            return PriceArithmetic.check(quantity: value(.quantity), unitPrice: value(.unitPrice), lineTotal: value(.total)) == .ok
        })
        if holding.count == 1, let only = holding.first { return only }
        guard !requireArithmetic, holding.isEmpty, candidates.count == 1 else { return nil }
        return candidates[0]
    }

    /// Every reading of several cells' figure tokens as `count` numbers in all (a number never spans two cells).
    static func readings(_ cells: [[Substring]], count: Int) -> [[Decimal]] {
        guard let first = cells.first else { return count == 0 ? [[]] : [] }
        var results: [[Decimal]] = []
        for taken in stride(from: min(count, first.count), through: 1, by: -1) {
            for head in PriceNumber.readings(first, count: taken) {
                for tail in Self.readings(Array(cells.dropFirst()), count: count - taken) { results.append(head + tail) }
            }
        }
        return results
    }

    /// A cell of figures only (currency words aside): `3 400`, `12,75 48 000`, `45000000 XOF`.
    static func isFigureCell(_ cell: String) -> Bool {
        !Self.figureTokens(cell, ocr: false).isEmpty
    }

    static func figureTokens(_ cell: String, ocr: Bool) -> [Substring] {
        var text = TextFolding.fold(cell)
        if ocr { text = PriceNumber.repairedDigits(text) }
        let tokens = text.split(separator: " ").filter { !PriceNumber.noise.contains(String($0)) }
        let figures = tokens.map { $0.hasPrefix("-") ? $0.dropFirst() : $0 }
        return !figures.isEmpty && figures.allSatisfy(PriceNumber.isFigure) ? tokens : []
    }

    /// Where the run of figure tokens that ends the line begins.
    static func figureRunStart(_ tokens: [Substring]) -> Int? {
        var start = tokens.count
        while start > 0, PriceNumber.isFigure(tokens[start - 1]) { start -= 1 }
        return start < tokens.count ? start : nil
    }
}
