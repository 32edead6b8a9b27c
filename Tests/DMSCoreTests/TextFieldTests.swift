import DMSCore
import Testing

@Suite("Case input validation")
struct NewCaseTests {
    @Test("a title is trimmed and kept byte for byte")
    func trimsAndKeeps() throws {
        let title = "Fourniture de ciment — Mopti/Ségou « lot 2 » 🇲🇱"
        let draft = try NewCase(caseType: "DAO", title: "  \(title)\n", lot: " Lot 2 ")
        #expect(draft.title == title)
        #expect(draft.lot == "Lot 2")
        #expect(draft.caseType == .dao)
    }

    @Test("a blank lot means no lot")
    func blankLot() throws {
        #expect(try NewCase(caseType: "RFQ", title: "x", lot: "   ").lot == nil)
    }

    @Test("titles of 300 scalars pass, 301 fail, counted as PostgreSQL counts")
    func titleLength() throws {
        let flag = "🇲🇱"  // one Character, two scalars
        let exactly300 = String(repeating: "é", count: 298) + flag
        #expect(exactly300.unicodeScalars.count == 300)
        #expect(try NewCase(caseType: "DAO", title: exactly300, lot: nil).title == exactly300)
        #expect(throws: ValidationError.self) { try NewCase(caseType: "DAO", title: exactly300 + "x", lot: nil) }
    }

    @Test("bad inputs name the field", arguments: [
        (nil, "t", "case_type"),
        ("XYZ", "t", "case_type"),
        ("dao", "t", "case_type"),
        ("DAO", nil, "title"),
        ("DAO", "   ", "title"),
        ("DAO", "a\u{0}b", "title"),
        ("DAO", "a\u{7}b", "title"),
        ("DAO", "ligne\nautre", "title"),
        ("DAO", "a\u{85}b", "title"),
    ] as [(String?, String?, String)])
    func rejects(type: String?, title: String?, field: String) {
        #expect {
            try NewCase(caseType: type, title: title, lot: nil)
        } throws: { error in
            (error as? ValidationError)?.field == field
        }
    }

    @Test("a lot over 100 characters is refused")
    func longLot() {
        #expect(throws: ValidationError(field: "lot", message: "trop long : 101 caractères, au plus 100")) {
            try NewCase(caseType: "DAO", title: "t", lot: String(repeating: "l", count: 101))
        }
    }
}

@Suite("Decision input validation")
struct NewDecisionTests {
    @Test("a multi-line reason is accepted, a next action is optional")
    func multiline() throws {
        let decision = try NewDecision(chosenSupplier: " Ets Diallo & Fils ", decisionReason: "Conforme.\nMoins-disant.", nextAction: "")
        #expect(decision.chosenSupplier == "Ets Diallo & Fils")
        #expect(decision.decisionReason == "Conforme.\nMoins-disant.")
        #expect(decision.nextAction == nil)
    }

    @Test("supplier and reason are required", arguments: [
        (nil, "r", "chosen_supplier"), ("", "r", "chosen_supplier"), ("s", nil, "decision_reason"), ("s", " \n ", "decision_reason"),
        ("a\u{0}", "r", "chosen_supplier"), ("s", "r\u{1b}", "decision_reason"),
    ] as [(String?, String?, String)])
    func required(supplier: String?, reason: String?, field: String) {
        #expect {
            try NewDecision(chosenSupplier: supplier, decisionReason: reason, nextAction: nil)
        } throws: { error in
            (error as? ValidationError)?.field == field
        }
    }

    @Test("the actor header defaults to anonymous and is validated")
    func actor() throws {
        #expect(try Principal(nil) == .anonymous)
        #expect(try Principal("  Awa Traoré ").value == "Awa Traoré")
        #expect(throws: ValidationError.self) { try Principal("x\u{0}") }
    }
}

@Suite("Text fields: invisible characters")
struct InvisibleTextTests {
    @Test("a title made only of invisible characters is refused; one visible letter among them is kept")
    func invisible() throws {
        for raw in ["\u{200B}", "\u{200B}\u{200C}\u{200D}\u{2060}", "\u{FEFF}", "\u{3164}", " \u{200B} ", "\u{FE0F}"] {
            #expect(throws: ValidationError.self, "\(raw.unicodeScalars.map { String($0.value, radix: 16) })") {
                try TextField.title.validate(raw, field: "title")
            }
        }
        #expect(try TextField.title.validate("\u{200B}A\u{200B}", field: "title") == "\u{200B}A\u{200B}")
        #expect(try TextField.title.validate("Ségou 🇲🇱", field: "title") == "Ségou 🇲🇱")
    }
}

@Suite("Dates in queries")
struct QueryDateTests {
    @Test("a day that does not exist is refused, not rolled over")
    func impossible() throws {
        for raw in ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "2026-01-01T24:00:00Z", "2026-00-10"] {
            #expect(throws: ValidationError.self, "\(raw)") { try MemorySearchQuery.date(raw, field: "from") }
        }
        #expect(try MemorySearchQuery.date("2028-02-29", field: "from")?.iso8601 == "2028-02-29T00:00:00Z")
        #expect(try MemorySearchQuery.date("2026-11-29T10:15:00+01:00", field: "from")?.iso8601 == "2026-11-29T09:15:00Z")
    }
}
