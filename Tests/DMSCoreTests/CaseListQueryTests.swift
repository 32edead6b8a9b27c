import DMSCore
import Foundation
import Testing

@Suite("Case list parameters and cursors")
struct CaseListQueryTests {
    @Test("defaults: 50 newest cases, no filter")
    func defaults() throws {
        let query = try CaseListQuery(limit: nil, cursor: nil, status: nil, caseType: nil, text: nil)
        #expect(query == CaseListQuery())
        #expect(query.limit == 50)
    }

    @Test("limit must be 1…200", arguments: ["0", "201", "-1", "abc", "1e3", ""])
    func badLimit(limit: String) {
        #expect(throws: ValidationError.self) { try CaseListQuery(limit: limit, cursor: nil, status: nil, caseType: nil, text: nil) }
    }

    @Test("filters are checked against the known values")
    func filters() throws {
        let query = try CaseListQuery(limit: "200", cursor: nil, status: "decided", caseType: "RFQ", text: " ciment ")
        #expect(query.status == .decided && query.caseType == .rfq && query.limit == 200 && query.text == "ciment")
        #expect(throws: ValidationError.self) { try CaseListQuery(limit: nil, cursor: nil, status: "closed", caseType: nil, text: nil) }
        #expect(throws: ValidationError.self) { try CaseListQuery(limit: nil, cursor: nil, status: nil, caseType: "AO", text: nil) }
    }

    @Test("a cursor round-trips and tampered cursors are refused")
    func cursor() throws {
        let cursor = CaseCursor(createdAt: Timestamp(iso8601: "2026-11-25T17:30:00.123456+00:00"), id: UUID())
        #expect(CaseCursor(token: cursor.token) == cursor)
        for bad in ["", "%%%", "djE=", Data("v1|x|y".utf8).base64URLEncodedString(),
                    Data("v1|2026-11-25'; DROP TABLE cases;--|\(UUID())".utf8).base64URLEncodedString(),
                    String(repeating: "A", count: 500)] {
            #expect(CaseCursor(token: bad) == nil, "accepted \(bad)")
        }
        #expect(throws: ValidationError.self) { try CaseListQuery(limit: nil, cursor: "nope!", status: nil, caseType: nil, text: nil) }
        // Only an instant that exists, in the exact form the service writes.
        let id = UUID()
        for (instant, ok) in [("2024-02-29T23:59:59.999999+00:00", true), ("2026-01-01T00:00:00.000000+00:00", true),
                              ("2026-02-29T10:00:00.000000+00:00", false), ("2026-13-01T10:00:00.000000+00:00", false),
                              ("2026-11-25T24:00:00.000000+00:00", false), ("2026-11-25T10:60:00.000000+00:00", false),
                              ("2026-11-25T10:00:60.000000+00:00", false), ("2026-11-25T10:00:00.000000+01:00", false),
                              ("2026-11-25T10:00:00.00000+00:00", false), ("2026-11-25 10:00:00.000000+00:00", false),
                              ("2026-11-25T10:00:00.0000a0+00:00", false), ("2026-11-25T10:00:00Z", false)] {
            let token = Data("v1|\(instant)|\(id.uuidString.lowercased())".utf8).base64URLEncodedString()
            #expect((CaseCursor(token: token) != nil) == ok, "\(instant)")
        }
    }
}
