import DMSApp
import DMSCore
import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Couche A and B together, as a new user would: validated survey prices, a decided case whose
/// chosen offer proposes its price lines (A→B), and the next case's CBA showing the reference (B→A).
@Suite("Couche B with Couche A: A→B at the decision, B→A in the case and its CBA")
struct MarketJourneyTests {
    /// A day `days` before today (signals are observed in the past, within the reference window).
    static func daysAgo(_ days: Int) -> String { Today.iso(Date().addingTimeInterval(-Double(days) * 86_400)) }

    static func offer(_ supplier: String, cementPrice: String, quantity: String, total: String) throws -> Data {
        try SampleFiles.docx([
            "OFFRE FINANCIÈRE",
            "Soumissionnaire : \(supplier)",
            "BORDEREAU DES PRIX",
            "N° | Désignation | Unité | Quantité | Prix unitaire (FCFA) | Montant (FCFA)",
            "1 | Ciment CPA 42.5 | sac 50 kg | \(quantity) | \(cementPrice) | \(total)",
            "2 | Fer à béton HA 10 | barre HA 10 (12 m) | 50 | 5 200 | 260 000",
            "Montant total TTC : \(total) FCFA",
        ])
    }

    static func caseWithOffer(_ client: any TestClientProtocol, title: String, supplier: String, price: String, quantity: String, total: String) async throws -> String {
        let id = try #require(try await client.createCase(title: title)["id"] as? String)
        let place = try await client.send(.patch, "/api/cases/\(id)", json: #"{"place":"Segou"}"#)
        #expect(place.status == .ok, "\(place.text)")
        let upload = try await client.upload(MultipartBody(file: try Self.offer(supplier, cementPrice: price, quantity: quantity, total: total),
                                                           filename: "offre_\(supplier).docx"), case: id, kind: "offer")
        #expect(upload.status == .created, "\(upload.text)")
        let analysed = try await client.send(.post, "/api/analyze/\(id)")
        #expect(analysed.status == .ok, "\(analysed.text)")
        return id
    }

    static func priceLines(_ client: any TestClientProtocol, _ id: String) async throws -> [[String: Any]] {
        try #require(try await client.send(.get, "/api/cases/\(id)").object()["price_lines"] as? [[String: Any]])
    }

    @Test("survey → validation → a decided case proposes its matched cement line → the next case's CBA shows the reference")
    func journey() async throws {
        try await withTestApp { client, _ in
            // Survey prices in Ségou, validated: 4 600 / 4 500 / 4 700 / 4 650 per sac → median 4 625 per sac (92.5 per kg).
            var ids: [String] = []
            for (offset, price) in ["4600", "4500", "4700", "4650"].enumerated() {
                let response = try await MarketAPITests.propose(client, item: "ciment cpa42,5", unit: "sac 50 kg", price: price, place: "Ségou",
                                                                 on: Self.daysAgo(10 + offset))
                ids.append(try #require(try response.object()["id"] as? String))
            }
            let body = "{\"ids\":[\(ids.map { "\"\($0)\"" }.joined(separator: ","))]}"
            #expect(try await client.send(.post, "/api/market/signals/validate", json: body).status == .ok)

            // Case 1: the offer's cement line is read, suggested, matched by a person; no signal before the decision.
            let first = try await Self.caseWithOffer(client, title: "Ciment — Ségou", supplier: "Ets Diallo", price: "4 750", quantity: "100", total: "475 000")
            var lines = try await Self.priceLines(client, first)
            let cement = try #require(lines.first { ($0["designation"] as? String) == "Ciment CPA 42.5" }, "\(lines)")
            #expect((cement["unit_price"] as? NSNumber)?.intValue == 4750 && cement["arithmetic"] as? String == "ok")
            #expect((cement["suggestion"] as? [String: Any])?["name"] as? String == "Ciment CPA 42.5")
            #expect((cement["reference_text"] as? String)?.contains("à confirmer") == true, "\(cement)")
            let key = try #require(cement["key"] as? String)
            let matched = try await client.send(.post, "/api/cases/\(first)/price-lines/\(key)/match",
                                                json: #"{"item":"Ciment CPA 42.5","unit":"sac 50 kg","reason":"même ciment que le catalogue"}"#)
            #expect(matched.status == .ok, "\(matched.text)")
            lines = try await Self.priceLines(client, first)
            let confirmed = try #require(lines.first { $0["key"] as? String == key })
            #expect((confirmed["match"] as? [String: Any])?["reason"] as? String == "même ciment que le catalogue")
            let reference = try #require(confirmed["reference"] as? [String: Any])
            #expect(reference["count"] as? Int == 4 && (reference["in_line_unit"] as? NSNumber)?.intValue == 4625, "\(reference)")
            #expect((confirmed["reference_text"] as? String)?.hasPrefix("référence marché : 4625 FCFA/sac 50 kg, médiane de 4 relevés validés, Ségou") == true,
                    "\(confirmed)")
            // The case page shows the line, its match and the reference, in words.
            let page = String(buffer: try await client.execute(uri: "/dossiers/\(first)", method: .get, headers: [:], body: nil).body)
            #expect(page.contains("Bordereaux des prix") && page.contains("confirmé par") && page.contains("médiane de 4 relevés validés"), "\(page.prefix(200))")
            let before = try await client.send(.get, "/api/market/signals?status=proposed")
            #expect(try before.object()["total"] as? Int == 0)

            // The decision proposes the matched line (and only it) as a signal linked to the case.
            let decided = try await client.send(.post, "/api/decide/\(first)", json: #"{"chosen_supplier":"Ets Diallo","decision_reason":"Offre conforme"}"#)
            #expect(decided.status == .ok, "\(decided.text)")
            let proposed = try await client.send(.get, "/api/market/signals?status=proposed")
            let signals = try #require(try proposed.object()["items"] as? [[String: Any]])
            #expect(signals.count == 1, "\(proposed.text)")
            #expect(signals.first?["case_id"] as? String == first && signals.first?["source"] as? String == "case"
                    && (signals.first?["unit_price"] as? NSNumber)?.intValue == 4750)
            let events = try #require(try await client.send(.get, "/api/cases/\(first)").object()["events"] as? [[String: Any]])
            let a2b = try #require(events.first { $0["type"] as? String == "market_signals_proposed" })
            #expect(((a2b["payload"] as? [String: Any])?["skipped"] as? [String])?.contains { $0.contains("Fer à béton") } == true, "\(a2b)")
            // After the decision, matches are closed.
            #expect(try await client.send(.post, "/api/cases/\(first)/price-lines/\(key)/match", json: #"{"item":null,"unit":null}"#).status == .conflict)

            // Case 2: its CBA's Commercial sheet shows the reference beside the cement line.
            let second = try await Self.caseWithOffer(client, title: "Ciment — Ségou, lot 2", supplier: "Sahel BTP", price: "4 900", quantity: "10", total: "49 000")
            let response = try await client.execute(uri: "/api/download/\(second)/cba", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            let book = try Workbook(Data(buffer: response.body))
            let rows = try book.grid("Commercial")
            let line = try #require(rows.first { $0.contains("Ciment CPA 42.5") }, "\(rows)")
            let text = line.joined(separator: " | ").replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{00A0}", with: " ")
            #expect(text.contains("référence marché : 4 625 FCFA/sac 50 kg, médiane de 4 relevés validés, Ségou"), "\(text)")
            #expect(text.contains("à confirmer"), "an automatic match is said to be one: \(text)")
            let iron = try #require(rows.first { $0.contains("Fer à béton HA 10") })
            #expect(iron.joined(separator: " | ").contains("pas de référence"), "\(iron)")
        }
    }

    @Test("bad input: an unknown line, a bad key, an unknown place, an item without unit")
    func badInput() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Ciment")["id"] as? String)
            #expect(try await client.send(.patch, "/api/cases/\(id)", json: #"{"place":"Atlantide"}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/api/cases/\(id)", json: #"{}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/api/cases/\(UUID().uuidString)", json: #"{"place":"Ségou"}"#).status == .notFound)
            #expect(try await client.send(.post, "/api/cases/\(id)/price-lines/0123456789abcdef/match", json: #"{"item":"Ciment CPA 42.5","unit":"sac 50 kg"}"#)
                .status == .notFound)
            #expect(try await client.send(.post, "/api/cases/\(id)/price-lines/nope/match", json: #"{}"#).status == .notFound)
            #expect(try await client.send(.post, "/api/cases/\(id)/price-lines/0123456789abcdef/match", json: #"{"item":"Ciment CPA 42.5"}"#)
                .status == .unprocessableContent)
        }
    }
}
