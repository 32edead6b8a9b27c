import DMSApp
import DMSCore
import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Couche B through the API, on the seeded catalogs (migration 0009).
@Suite("Couche B: catalogs, market signals, validation, statistics")
struct MarketAPITests {
    static func items(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.object()["items"] as? [[String: Any]])
    }

    static func propose(_ client: any TestClientProtocol, item: String, unit: String, price: String, place: String = "Ségou",
                        on date: String = "2026-11-02", headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.send(.post, "/api/market/signals", json: """
            {"item":"\(item)","unit":"\(unit)","unit_price":"\(price)","place":"\(place)","observed_on":"\(date)"}
            """, headers: headers)
    }

    @Test("lookup tolerates spelling: Ségou, Segou, SEGOU; Ciment CPA 42.5, ciment cpa42,5")
    func lookup() async throws {
        try await withTestApp { client, _ in
            for query in ["Ségou", "Segou", "SEGOU", "segou "] {
                let found = try Self.items(try await client.send(.get, "/api/catalog/places?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
                let names = found.map { $0["name"] as? String }
                #expect(names.filter { $0 == "Ségou" }.count >= 3, "\(query): \(names)")  // région, cercle, commune
                #expect(found.allSatisfy { ($0["similarity"] as? Double ?? 0) >= 0.6 })
            }
            for query in ["Ciment CPA 42.5", "ciment cpa42,5", "CIMENT CPA 42,5"] {
                let found = try Self.items(try await client.send(.get, "/api/catalog/items?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
                #expect(found.first?["name"] as? String == "Ciment CPA 42.5", "\(query)")
            }
            let none = try Self.items(try await client.send(.get, "/api/catalog/items?q=zzzzqqq"))
            #expect(none.isEmpty)
            #expect(try await client.send(.get, "/api/catalog/colours").status == .notFound)
            #expect(try await client.send(.get, "/api/catalog/items?limit=0").status == .unprocessableContent)
        }
    }

    @Test("acceptance: five survey prices with spelling variants and two units; four validated, one rejected; stats count 4, exact median")
    func acceptance() async throws {
        try await withTestApp { client, _ in
            var ids: [String] = []
            for (item, unit, price, place) in [("Ciment CPA 42.5", "sac 50 kg", "4 750", "Ségou"), ("ciment cpa42,5", "sac de 50 kg", "4600", "SEGOU"),
                                               ("CIMENT CPA 42.5", "sac 50 kg", "4500", "Grand marché de Ségou"), ("Ciment CPA 42,5", "tonne", "93 000", "Segou"),
                                               ("ciment CPA 42.5", "sac 50 kg", "5 000", "Ségou")] {
                let response = try await Self.propose(client, item: item, unit: unit, price: price, place: place)
                #expect(response.status == .created, "\(response.text)")
                let object = try response.object()
                #expect(object["status"] as? String == "proposed")
                ids.append(try #require(object["id"] as? String))
            }
            // Nothing counts before validation.
            let before = try await client.send(.get, "/api/market/stats?item=Ciment%20CPA%2042.5&place=S%C3%A9gou&from=2026-01-01&to=2026-11-29")
            #expect((try before.object()["rows"] as? [Any])?.isEmpty == true)
            let bulk = try await client.send(.post, "/api/market/signals/validate", json: #"{"ids":["\#(ids[0])","\#(ids[1])","\#(ids[2])"]}"#)
            #expect(bulk.status == .ok, "\(bulk.text)")
            #expect(try await client.send(.post, "/api/market/signals/\(ids[3])/validate").status == .ok)
            let rejected = try await client.send(.post, "/api/market/signals/\(ids[4])/reject", json: #"{"reason":"prix de gros"}"#)
            let rejectedObject = try rejected.object()
            #expect(rejectedObject["status"] as? String == "rejected" && rejectedObject["reason"] as? String == "prix de gros")
            let stats = try await client.send(.get, "/api/market/stats?item=Ciment%20CPA%2042.5&place=S%C3%A9gou&from=2026-01-01&to=2026-11-29&group=month")
            let rows = try #require(try stats.object()["rows"] as? [[String: Any]])
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            // Per kg: 95, 92, 90, 93 → median (92 + 93) / 2.
            #expect(row["count"] as? Int == 4 && row["period"] as? String == "2026-11" && row["unit"] as? String == "kg")
            #expect((row["median"] as? NSNumber)?.doubleValue == 92.5 && (row["min"] as? NSNumber)?.doubleValue == 90
                    && (row["max"] as? NSNumber)?.doubleValue == 95 && (row["mean"] as? NSNumber)?.doubleValue == 92.5, "\(row)")
            // A market counts in its région, not in another région.
            let bamako = try await client.send(.get, "/api/market/stats?item=Ciment%20CPA%2042.5&place=Bamako&from=2026-01-01&to=2026-11-29")
            #expect((try bamako.object()["rows"] as? [Any])?.isEmpty == true, "\(bamako.text)")
            // The queue lists each status; the rejected one keeps its reason.
            let queue = try await client.send(.get, "/api/market/signals?status=rejected")
            #expect(try queue.object()["total"] as? Int == 1)
            let proposed = try await client.send(.get, "/api/market/signals?status=proposed")
            #expect(try proposed.object()["total"] as? Int == 0)
        }
    }

    @Test("a review happens once; bulk is all or nothing; unknown ids are 404")
    func reviewOnce() async throws {
        try await withTestApp { client, _ in
            let a = try #require(try await Self.propose(client, item: "Riz brisé", unit: "kg", price: "450").object()["id"] as? String)
            let b = try #require(try await Self.propose(client, item: "Riz brisé", unit: "kg", price: "460").object()["id"] as? String)
            #expect(try await client.send(.post, "/api/market/signals/\(a)/validate").status == .ok)
            let again = try await client.send(.post, "/api/market/signals/\(a)/reject", json: #"{"reason":"erreur"}"#)
            #expect(again.status == .conflict && again.errorCode == "already_reviewed")
            let mixed = try await client.send(.post, "/api/market/signals/validate", json: #"{"ids":["\#(b)","\#(a)"]}"#)
            #expect(mixed.status == .conflict)
            let stillProposed = try await client.send(.get, "/api/market/signals/\(b)")
            #expect(try stillProposed.object()["status"] as? String == "proposed")
            #expect(try await client.send(.post, "/api/market/signals/\(UUID().uuidString)/validate").status == .notFound)
            #expect(try await client.send(.post, "/api/market/signals/not-a-uuid/validate").status == .notFound)
            #expect(try await client.send(.post, "/api/market/signals/\(b)/reject", json: #"{"reason":"  "}"#).status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/market/signals/validate", json: #"{"ids":[]}"#).status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/market/signals/validate", json: #"{"ids":["x"]}"#).status == .unprocessableContent)
        }
    }

    @Test("bad input: unknown names with suggestions, a unit that does not measure the item, bad prices and dates")
    func badInput() async throws {
        try await withTestApp { client, _ in
            let unknown = try await Self.propose(client, item: "Cimment", unit: "sac 50 kg", price: "4750", place: "Ségou")
            #expect(unknown.status == .unprocessableContent && unknown.errorCode == "unknown_name" && unknown.errorField == "item", "\(unknown.text)")
            let suggestions = ((try unknown.object()["error"] as? [String: Any])?["suggestions"] as? [String]) ?? []
            #expect(suggestions.contains("Ciment CPA 42.5"), "\(suggestions)")
            let place = try await Self.propose(client, item: "Ciment CPA 42.5", unit: "sac 50 kg", price: "4750", place: "Atlantide")
            #expect(place.status == .unprocessableContent && place.errorField == "place")
            let litres = try await Self.propose(client, item: "Ciment CPA 42.5", unit: "litre", price: "4750")
            #expect(litres.status == .unprocessableContent && litres.errorCode == "incompatible_unit")
            #expect(try await Self.propose(client, item: "Ciment CPA 42.5", unit: "sac 50 kg", price: "-4").status == .unprocessableContent)
            #expect(try await Self.propose(client, item: "Ciment CPA 42.5", unit: "sac 50 kg", price: "4750", on: "2026-02-30").status == .unprocessableContent)
            #expect(try await Self.propose(client, item: "Ciment CPA 42.5", unit: "sac 50 kg", price: "4750", on: "2999-01-01").status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/market/signals", json: #"{"item":1}"#).status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/market/signals", json: #"{"item":"x",}"#).status == .badRequest)
            #expect(try await client.send(.post, "/api/market/signals", json: #"{"item":"Ciment CPA 42.5","unit":"kg","unit_price":92,"place":"Ségou","observed_on":"2026-11-02"}"#).status == .created)
            #expect(try await client.send(.get, "/api/market/stats?group=week").status == .unprocessableContent)
            #expect(try await client.send(.get, "/api/market/stats?item=Atlantide").status == .unprocessableContent)
            #expect(try await client.send(.get, "/api/market/signals?status=maybe").status == .unprocessableContent)
        }
    }

    @Test("catalog entries and aliases: admins only; names stay unique; a place sits under a wider place")
    func catalogWrites() async throws {
        try await withTestApp(configure: { $0.auth = .on }) { client, database in
            let admin = try await seedUser(database, email: "admin@dms.test", name: "Admin", roles: ["admin"])
            let agent = try await seedUser(database, email: "agent@dms.test", name: "Agent", roles: ["agent"])
            let body = #"{"name":"Tuyau PVC 110","category":"Plomberie","base_unit":"m","aliases":["tube PVC 110"]}"#
            #expect(try await client.send(.post, "/api/catalog/items", json: body, headers: agent.bearer).status == .forbidden)
            let created = try await client.send(.post, "/api/catalog/items", json: body, headers: admin.bearer)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.object()["id"] as? String)
            #expect(try await client.send(.post, "/api/catalog/items", json: body, headers: admin.bearer).status == .conflict)
            let alias = try await client.send(.post, "/api/catalog/items/\(id)/aliases", json: #"{"aliases":["PVC Ø110"]}"#, headers: admin.bearer)
            let aliases = try alias.object()["aliases"] as? [String]
            #expect(alias.status == .ok && aliases?.contains("PVC Ø110") == true, "\(alias.text)")
            let taken = try await client.send(.post, "/api/catalog/items/\(id)/aliases", json: #"{"aliases":["Ciment CPA 42.5"]}"#, headers: admin.bearer)
            #expect(taken.status == .conflict)
            let found = try Self.items(try await client.send(.get, "/api/catalog/items?q=pvc%20%C3%B8110", headers: agent.bearer))
            #expect(found.first?["id"] as? String == id)
            let market = #"{"name":"Marché de Pelengana","level":"marche","parent":"Ségou"}"#
            let placed = try await client.send(.post, "/api/catalog/places", json: market, headers: admin.bearer)
            let path = try placed.object()["path"] as? [String]
            #expect(placed.status == .created && path?.first == "Mali", "\(placed.text)")
            let under = #"{"name":"Quartier","level":"commune","parent":"Marché de Pelengana"}"#
            #expect(try await client.send(.post, "/api/catalog/places", json: under, headers: admin.bearer).status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/catalog/units", json: #"{"name":"brouette","base_unit":"m3","factor":"0,06"}"#,
                                          headers: admin.bearer).status == .created)
            // Roles: an agent proposes, an admin validates; the comite neither.
            let comite = try await seedUser(database, email: "comite@dms.test", name: "Comité", roles: ["comite"])
            #expect(try await Self.propose(client, item: "Tuyau PVC 110", unit: "mètre", price: "2500", headers: comite.bearer).status == .forbidden)
            let proposed = try await Self.propose(client, item: "Tuyau PVC 110", unit: "mètre", price: "2500", headers: agent.bearer)
            let signal = try #require(try proposed.object()["id"] as? String)
            #expect(try await client.send(.post, "/api/market/signals/\(signal)/validate", headers: agent.bearer).status == .forbidden)
            #expect(try await client.send(.post, "/api/market/signals/\(signal)/validate", headers: admin.bearer).status == .ok)
        }
    }

    @Test("every market change is an event in its own hash chain; the database refuses edits")
    func events() async throws {
        try await withTestApp { client, database in
            let id = try #require(try await Self.propose(client, item: "Sucre", unit: "kg", price: "700").object()["id"] as? String)
            #expect(try await client.send(.post, "/api/market/signals/\(id)/reject", json: #"{"reason":"doublon"}"#).status == .ok)
            try await withDatabase(database) { db in
                try await db.run { pg in
                    let rows = try await pg.query("SELECT type, seq, prev_hash, hash FROM market_events WHERE subject_id = \(UUID(uuidString: id)!) ORDER BY seq",
                                                  logger: TestDatabase.logger)
                    var chain: [(String, Int, String, String)] = []
                    for try await row in rows.decode((String, Int, String, String).self) { chain.append(row) }
                    #expect(chain.map(\.0) == ["market_signal_proposed", "market_signal_rejected"])
                    #expect(chain.count == 2 && chain[1].2 == chain[0].3 && chain[0].2 == String(repeating: "0", count: 64))
                    await #expect(throws: (any Error).self) {
                        try await pg.query("UPDATE market_events SET type = 'x' WHERE subject_id = \(UUID(uuidString: id)!)", logger: TestDatabase.logger)
                    }
                    await #expect(throws: (any Error).self) {
                        try await pg.query("UPDATE market_signals SET unit_price = 1 WHERE id = \(UUID(uuidString: id)!)", logger: TestDatabase.logger)
                    }
                }
                let intact = try await EventLog(database: db).verifyMarket(logger: TestDatabase.logger)
                #expect(intact.firstBreak == nil && intact.events >= 2 && intact.head != nil)
                // A rewritten payload (triggers off, as a superuser could) is found.
                try await db.run { pg in
                    try await pg.query("ALTER TABLE market_events DISABLE TRIGGER market_events_append_only", logger: TestDatabase.logger)
                    try await pg.query("UPDATE market_events SET payload = '{\"reason\":\"autre\"}' WHERE subject_id = \(UUID(uuidString: id)!) AND seq = 2",
                                       logger: TestDatabase.logger)
                    try await pg.query("ALTER TABLE market_events ENABLE TRIGGER market_events_append_only", logger: TestDatabase.logger)
                }
                let broken = try await EventLog(database: db).verifyMarket(logger: TestDatabase.logger)
                #expect(broken.firstBreak != nil && broken.breakCaseID == UUID(uuidString: id))
            }
        }
    }

    @Test("import: bad lines reported one by one, good ones imported; the same file twice imports nothing new")
    func importFile() async throws {
        try await TestDatabase.withFresh { database in
            try await withDatabase(database) { db in
                let app = UseCases(database: db)
                let rows = CSVReader.rows("""
                    Article;Unité;Prix;Lieu;Date
                    Ciment CPA 42.5;sac 50 kg;4 700;Ségou;02/11/2026
                    ciment cpa42,5;tonne;93 000;SEGOU;2026-11-05
                    Cimment;sac 50 kg;4 800;Ségou;2026-11-05
                    Ciment CPA 42.5;litre;4 800;Ségou;2026-11-05
                    Ciment CPA 42.5;sac 50 kg;abc;Ségou;2026-11-05
                    Sucre;kg;650;Marché de Niono;2026-11-05
                    """)
                let table = try PriceListTable(rows: rows)
                let lines = table.lines(rows, place: nil, observedOn: nil, source: "mercuriale.csv", today: "2026-11-29")
                #expect(lines.filter { (try? $0.result.get()) == nil }.map(\.row) == [6])
                let good = lines.compactMap { try? $0.result.get() }
                let first = try await app.market.importBatch(good, actor: .system, logger: TestDatabase.logger)
                let imported = first.filter { if case .imported = $0 { true } else { false } }.count
                let refused = first.compactMap { if case .refused(let why) = $0 { why } else { nil } }
                #expect(imported == 3 && refused.count == 2, "\(first)")
                #expect(refused.contains { $0.contains("Cimment") } && refused.contains { $0.contains("litre") })
                let second = try await app.market.importBatch(good, actor: .system, logger: TestDatabase.logger)
                #expect(second.filter { $0 == .duplicate }.count == 3 && !second.contains { if case .imported = $0 { true } else { false } })
                let all = try await app.market.list(status: "proposed", item: nil, place: nil, limit: nil, offset: nil, logger: TestDatabase.logger)
                #expect(all.total == 3 && all.signals.allSatisfy { $0.source == .import && $0.sourceDetail?.hasPrefix("mercuriale.csv, ligne") == true })
            }
        }
    }
}
