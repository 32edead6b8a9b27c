@testable import DMSServer
import DMSCore
import Foundation
import Hummingbird
import Testing

/// The hand-written JSON of the hot answers is byte for byte what the router's encoder writes.
@Suite("JSON written by hand")
struct JSONWriterTests {
    static let titles = ["Fourniture de ciment — Ségou", "a\"b\\c/d", "tab\there\nnewline\r\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}", "émoji 🇲🇱 ✓",
                         "\u{2028}\u{2029}", "<script>&amp;</script>", " ", String(repeating: "x", count: 300)]

    @Test("a page of cases: the same bytes as JSONEncoder (sorted keys, / unescaped), with and without a cursor and a lot")
    func page() throws {
        let cases = Self.titles.enumerated().map { index, title in
            Case(id: UUID(), caseType: index.isMultiple(of: 2) ? .dao : .rfq, title: title, lot: index.isMultiple(of: 3) ? nil : "Lot \(title.prefix(5))",
                 status: [.open, .analyzed, .decided][index % 3], createdAt: Timestamp(iso8601: "2026-11-25T17:36:34.727385+00:00"),
                 updatedAt: Timestamp(iso8601: "2026-11-26T01:02:03.000001+00:00"))
        }
        for cursor in [nil, "MjAyNi0xMS0yNVQxNzozNjozNC43MjczODUrMDA6MDB8YWJj"] as [String?] {
            for count in [0, 1, cases.count] {
                let page = Page(items: Array(cases.prefix(count)), nextCursor: cursor)
                let expected = try JSONCoding.encoder.encode(PageDTO(items: page.items.map(CaseDTO.init), nextCursor: page.nextCursor))
                var writer = JSONWriter()
                writer.raw("{\"items\":[")
                for (index, record) in page.items.enumerated() {
                    if index > 0 { writer.raw(",") }
                    writer.case(record)
                }
                writer.raw("],\"next_cursor\":")
                writer.optional(page.nextCursor)
                writer.raw("}")
                #expect(Data(buffer: writer.buffer) == expected, "\(String(buffer: writer.buffer))\n\(String(decoding: expected, as: UTF8.self))")
            }
        }
        for record in cases {
            var writer = JSONWriter()
            writer.case(record)
            #expect(Data(buffer: writer.buffer) == (try JSONCoding.encoder.encode(CaseDTO(record))))
        }
    }
}
