import Foundation

/// Reads the price schedule of an offer (bordereau des prix, devis quantitatif, facture proforma):
/// every table under a recognised header, row by row, in the document's order. Total, tax and
/// discount rows are not lines; a section title is skipped; the table ends at a total (not a
/// sub-total), a new header, or a line outside it. A figure that cannot be read is nil, never guessed.
public enum PriceScheduleReader {
    public static func read(_ document: DocumentText) -> [PriceLine] {
        let rows = document.lines.map { PriceRowText($0, ocr: document.source == .ocr) }
        var lines: [PriceLine] = []
        var header: PriceHeader?
        var previous: PriceHeader?
        var underHeader = false
        for (index, row) in rows.enumerated() {
            let next = rows.indices.contains(index + 1) ? rows[index + 1] : nil
            if var found = PriceHeader(row) ?? next.flatMap({ PriceHeader(row, continuedBy: $0) }) {
                found.inherit(header ?? previous)
                header = found
                previous = found
                underHeader = true
                continue
            }
            guard var current = header else { continue }
            if underHeader {
                underHeader = false
                if current.absorb(row) {
                    header = current
                    previous = current
                    continue
                }
            }
            if row.isTotal {
                if !row.isSubtotal { header = nil }
                continue
            }
            switch PriceRowReader.read(row, under: current) {
            case .line(let reading):
                lines.append(Self.line(reading, row, current, document))
            case .title:
                continue
            case .outside:
                // A wrapped designation or a page footer inside the table: the table goes on when the next line is one of its rows.
                if let next, !next.isTotal,
                   case .line = PriceRowReader.read(next, under: current) { continue }
                header = nil
            }
        }
        return lines
    }

    /// `high` only for native text read by position under a recognised header, with all three
    /// figures present, positive, and agreeing.
    static func line(_ reading: PriceRowReading, _ row: PriceRowText, _ header: PriceHeader, _ document: DocumentText) -> PriceLine {
        let arithmetic = PriceRowReader.arithmetic(reading)
        let figures = [reading.quantity, reading.unitPrice, reading.lineTotal].compactMap { $0 }
        let high = document.source == .native && !reading.inferred && arithmetic == .ok && figures.allSatisfy { $0 > 0 }
        return PriceLine(designation: reading.designation, unit: reading.unit, quantity: reading.quantity, unitPrice: reading.unitPrice,
                         lineTotal: reading.lineTotal, currency: reading.currency ?? header.currency, confidence: high ? .high : .low,
                         arithmetic: arithmetic, source: SourceRef(document, row.line))
    }
}
