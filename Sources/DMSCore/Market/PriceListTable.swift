import Foundation

/// Reads a price list (an official « mercuriale » or a survey sheet) laid out as a table: a
/// header row naming the columns (in French or English, any case or accents), then one
/// observation per row. Columns it does not know are ignored; a place or a date missing from
/// the sheet may be given for every line.
public struct PriceListTable: Sendable {
    public enum Column: String, Sendable, Hashable, CaseIterable {
        case item, unit, unitPrice = "unit_price", currency, place, vendor, observedOn = "observed_on", note
    }

    /// Header words, folded, for each column.
    static let headers: [Column: [String]] = [
        .item: ["article", "produit", "designation", "libelle", "item", "denomination"],
        .unit: ["unite", "unit", "conditionnement", "unite de mesure"],
        .unitPrice: ["prix", "prix unitaire", "pu", "p.u.", "unit_price", "unit price", "prix (fcfa)", "prix fcfa", "prix moyen", "prix unitaire (fcfa)"],
        .currency: ["devise", "monnaie", "currency"],
        .place: ["lieu", "marche", "localite", "ville", "place", "commune", "marche / localite"],
        .vendor: ["fournisseur", "vendeur", "commercant", "vendor", "boutique"],
        .observedOn: ["date", "date du releve", "date releve", "observed_on", "date d'observation", "date de releve"],
        .note: ["note", "observation", "observations", "remarque", "commentaire"],
    ]

    public let columns: [Column: Int]
    /// The header's row number (1-based, as a spreadsheet shows it).
    public let headerRow: Int

    /// Finds the header among the first 20 rows. Throws when none names at least an item and a price.
    public init(rows: [[String]]) throws(ValidationError) {
        for (index, row) in rows.prefix(20).enumerated() {
            var columns: [Column: Int] = [:]
            for (position, cell) in row.enumerated() {
                let folded = TextFolding.fold(cell.trimmingWhitespace()).trimmingCharacters(in: CharacterSet(charactersIn: " :*"))
                if let column = Self.headers.first(where: { $0.value.contains(folded) })?.key, columns[column] == nil {
                    columns[column] = position
                }
            }
            if columns[.item] != nil, columns[.unitPrice] != nil {
                self.columns = columns
                self.headerRow = index + 1
                return
            }
        }
        throw ValidationError(field: "file", message: "aucune ligne d'en-tête reconnue dans les 20 premières lignes : il faut au moins les colonnes « article » et « prix » (et « unité », « lieu », « date » sauf si donnés pour tout le fichier)")
    }

    /// One observation per data row after the header (blank rows skipped), with its row number.
    /// `place` and `observedOn` fill a column the sheet does not have.
    public func lines(_ rows: [[String]], place: String?, observedOn: String?, source: String, today: String) -> [(row: Int, result: Result<NewSignal, ValidationError>)] {
        var lines: [(Int, Result<NewSignal, ValidationError>)] = []
        for (index, row) in rows.enumerated() where index >= self.headerRow {
            func cell(_ column: Column) -> String? {
                guard let position = self.columns[column], row.indices.contains(position) else { return nil }
                let text = row[position].trimmingWhitespace()
                return text.isEmpty ? nil : text
            }
            guard row.contains(where: { !$0.trimmingWhitespace().isEmpty }) else { continue }
            let number = index + 1
            do throws(ValidationError) {
                let signal = try NewSignal(
                    item: cell(.item), unit: cell(.unit), unitPrice: cell(.unitPrice), currency: cell(.currency),
                    place: cell(.place) ?? place, vendor: cell(.vendor), observedOn: Self.date(cell(.observedOn)) ?? observedOn,
                    note: cell(.note), sourceDetail: "\(source.prefix(260)), ligne \(number)", today: today)
                lines.append((number, .success(signal)))
            } catch {
                lines.append((number, .failure(error)))
            }
        }
        return lines
    }

    /// A spreadsheet date may arrive as its serial number (days since 1899-12-30).
    static func date(_ raw: String?) -> String? {
        guard let raw else { return nil }
        if let serial = Double(raw), serial >= 36_526, serial < 80_000 {
            let seconds = (serial.rounded(.down) - 25_569) * 86_400
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
            return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        }
        // `2026-11-02 00:00:00` from a spreadsheet export.
        if raw.count > 10, raw.dropFirst(10).first == " ", CalendarDate(parsing: String(raw.prefix(10))) != nil { return String(raw.prefix(10)) }
        return raw
    }
}

/// RFC 4180 CSV, as spreadsheets export it: `;` or `,` separated (whichever the first line
/// uses more), quoted fields with `""`, CRLF or LF, a UTF-8 byte-order mark ignored.
public enum CSVReader {
    public static func rows(_ text: String) -> [[String]] {
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let separator: Character = firstLine.filter { $0 == ";" }.count >= firstLine.filter { $0 == "," }.count ? ";" : ","
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if quoted {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex, text[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == separator {
                row.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
            index = text.index(after: index)
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
