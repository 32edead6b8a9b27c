import DMSCore
import Foundation
import Testing

@Suite("Couche B domain: prices, dates, price lists")
struct MarketTests {
    @Test("prices as people type them", arguments: [
        ("4 750", Decimal(4750)), ("4750,50", Decimal(string: "4750.5")!), ("4.750", Decimal(4750)), ("1.250.000", Decimal(1_250_000)),
        ("1 250 000 FCFA", Decimal(1_250_000)), ("4,5", Decimal(string: "4.5")!), ("4.5", Decimal(string: "4.5")!), ("4.750,50", Decimal(string: "4750.5")!),
        ("\u{202F}92\u{00A0}000 F CFA", Decimal(92000)),
    ])
    func prices(_ text: String, _ expected: Decimal) {
        #expect(PriceText.parse(text) == expected)
    }

    @Test("not prices", arguments: ["", "abc", "-5", "4,750.50", "1,2,3", "12.34.5", "4 750 kg", ".5", "5.", "1e9"])
    func notPrices(_ text: String) {
        #expect(PriceText.parse(text) == nil)
    }

    @Test("calendar dates: ISO and French order, checked to exist")
    func dates() {
        #expect(CalendarDate(parsing: "2026-11-02")?.iso == "2026-11-02")
        #expect(CalendarDate(parsing: "02/11/2026")?.iso == "2026-11-02")
        #expect(CalendarDate(parsing: "2024-02-29") != nil)
        for bad in ["2026-02-29", "2026-13-01", "31/04/2026", "2026/11/02", "26-11-02", "", "2026-1-", "２０２６-11-02"] {
            #expect(CalendarDate(parsing: bad) == nil, "\(bad)")
        }
        #expect(CalendarDate(parsing: "2026-03-31")!.minus(months: 1).iso == "2026-02-28")
        #expect(CalendarDate(parsing: "2026-11-29")!.minus(months: 12).iso == "2025-11-29")
    }

    @Test("a new signal is checked: required fields, positive price, a date in the past, XOF by default")
    func newSignal() throws {
        let signal = try NewSignal(item: " Ciment ", unit: "sac 50 kg", unitPrice: "4 750", currency: "F CFA", place: "Ségou", vendor: "",
                                   observedOn: "02/11/2026", note: nil, today: "2026-11-29")
        #expect(signal.item == "Ciment" && signal.unitPrice == 4750 && signal.currency == "XOF" && signal.observedOn == "2026-11-02" && signal.vendor == nil)
        func field(_ body: () throws -> NewSignal) -> String? {
            do { _ = try body(); return nil } catch let error as ValidationError { return error.field } catch { return "?" }
        }
        #expect(field { try NewSignal(item: nil, unit: "u", unitPrice: "1", currency: nil, place: "p", vendor: nil, observedOn: "2026-11-02", note: nil, today: "2026-11-29") } == "item")
        #expect(field { try NewSignal(item: "i", unit: "u", unitPrice: "0", currency: nil, place: "p", vendor: nil, observedOn: "2026-11-02", note: nil, today: "2026-11-29") } == "unit_price")
        #expect(field { try NewSignal(item: "i", unit: "u", unitPrice: "1", currency: "francs suisses", place: "p", vendor: nil, observedOn: "2026-11-02", note: nil, today: "2026-11-29") } == "currency")
        #expect(field { try NewSignal(item: "i", unit: "u", unitPrice: "1", currency: nil, place: "p", vendor: nil, observedOn: "2026-12-01", note: nil, today: "2026-11-29") } == "observed_on")
        #expect(field { try NewSignal(item: "i", unit: "u", unitPrice: "1", currency: nil, place: "p", vendor: nil, observedOn: "1999-12-31", note: nil, today: "2026-11-29") } == "observed_on")
        #expect(field { try NewSignal(item: "i\u{0007}", unit: "u", unitPrice: "1", currency: nil, place: "p", vendor: nil, observedOn: "2026-11-02", note: nil, today: "2026-11-29") } == "item")
        #expect(field { try NewSignal(item: "i", unit: "u", unitPrice: "1", currency: nil, place: String(repeating: "p", count: 201), vendor: nil, observedOn: "2026-11-02", note: nil, today: "2026-11-29") } == "place")
    }

    @Test("the import key names what a line says, not the file it came from")
    func importKey() {
        let ids = (UUID(), UUID(), UUID())
        let a = SignalIdentity.importKey(itemID: ids.0, unitID: ids.1, unitPrice: 4750, currency: "XOF", placeID: ids.2, vendorID: nil, observedOn: "2026-11-02")
        let b = SignalIdentity.importKey(itemID: ids.0, unitID: ids.1, unitPrice: 4750, currency: "XOF", placeID: ids.2, vendorID: nil, observedOn: "2026-11-02")
        let c = SignalIdentity.importKey(itemID: ids.0, unitID: ids.1, unitPrice: 4751, currency: "XOF", placeID: ids.2, vendorID: nil, observedOn: "2026-11-02")
        #expect(a == b && a != c && a.count == 64)
    }

    @Test("CSV: `;` or `,`, quotes, CRLF, a byte-order mark")
    func csv() {
        #expect(CSVReader.rows("\u{FEFF}a;b;c\r\n1;\"x;y\";\"il dit \"\"oui\"\"\"\r\n") == [["a", "b", "c"], ["1", "x;y", "il dit \"oui\""]])
        #expect(CSVReader.rows("a,b\n1,2") == [["a", "b"], ["1", "2"]])
        #expect(CSVReader.rows("") == [])
        #expect(CSVReader.rows("\"multi\nligne\";2\n") == [["multi\nligne", "2"]])
    }

    @Test("a price list: header found under a title, columns by name, each line checked on its own")
    func priceList() throws {
        let rows = CSVReader.rows("""
            Mercuriale — novembre 2026
            N°;Produit;Conditionnement;Prix unitaire (FCFA);Marché;Date de relevé;Remarque
            1;Ciment CPA 42.5;sac 50 kg;4 750;Ségou;02/11/2026;
            2;Riz brisé;kg;;Ségou;02/11/2026;rupture

            3;Sucre;kg;650;;46328;
            """)
        let table = try PriceListTable(rows: rows)
        #expect(table.headerRow == 2)
        let lines = table.lines(rows, place: "Bamako", observedOn: nil, source: "mercuriale.csv", today: "2026-11-29")
        #expect(lines.map(\.row) == [3, 4, 6])
        let first = try lines[0].result.get()
        #expect(first.item == "Ciment CPA 42.5" && first.unit == "sac 50 kg" && first.unitPrice == 4750 && first.observedOn == "2026-11-02"
                && first.sourceDetail == "mercuriale.csv, ligne 3")
        guard case .failure(let error) = lines[1].result else { Issue.record("a line without a price must be refused"); return }
        #expect(error.field == "unit_price")
        let third = try lines[2].result.get()
        #expect(third.place == "Bamako" && third.observedOn == "2026-11-02")  // serial 46328 = 2026-11-02
        #expect(throws: ValidationError.self) { try PriceListTable(rows: [["a", "b"], ["1", "2"]]) }
    }

    @Test("catalog kinds from path segments; entry names checked")
    func catalog() throws {
        #expect(CatalogKind(pathSegment: "items") == .item && CatalogKind(pathSegment: "places") == .place)
        #expect(CatalogKind(pathSegment: "item") == nil && CatalogKind(pathSegment: "colours") == nil)
        let entry = try NewCatalogEntry(kind: .unit, name: "sac 50 kg", aliases: ["sac de 50 kg", "SAC 50 KG", "sac de 50 kg"],
                                        details: .unit(baseUnit: .kg, factor: 50))
        #expect(entry.aliases == ["sac de 50 kg"])
        #expect(throws: ValidationError.self) { try NewCatalogEntry.details(kind: .unit, category: nil, baseUnit: "kg", factor: 0, level: nil, parent: nil, nif: nil, rccm: nil) }
        #expect(throws: ValidationError.self) { try NewCatalogEntry.details(kind: .item, category: "x", baseUnit: "brouette", factor: nil, level: nil, parent: nil, nif: nil, rccm: nil) }
        #expect(throws: ValidationError.self) { try NewCatalogEntry.details(kind: .place, category: nil, baseUnit: nil, factor: nil, level: "region", parent: nil, nif: nil, rccm: nil) }
        #expect(throws: ValidationError.self) { try NewCatalogEntry.details(kind: .vendor, category: nil, baseUnit: nil, factor: nil, level: nil, parent: nil, nif: "<script>", rccm: nil) }
        #expect(throws: ValidationError.self) { try NewCatalogEntry(kind: .item, name: "   ", aliases: nil, details: .item(category: "x", baseUnit: .kg)) }
    }

    @Test("statistics query: 12 months by default, from before to")
    func statsQuery() throws {
        let query = try StatsQuery(item: nil, place: nil, from: nil, to: nil, group: nil, today: "2026-11-29")
        #expect(query.from == "2025-11-29" && query.to == "2026-11-29" && query.group == .month)
        #expect(throws: ValidationError.self) { try StatsQuery(item: nil, place: nil, from: "2026-05-01", to: "2026-04-01", group: nil, today: "2026-11-29") }
        #expect(throws: ValidationError.self) { try StatsQuery(item: nil, place: nil, from: nil, to: nil, group: "week", today: "2026-11-29") }
    }
}
