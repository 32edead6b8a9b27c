import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("CBA workbook and PV minutes")
struct ReportTests {
    /// Words that would rank, score or recommend a supplier (SPEC invariant 1), folded.
    static let forbidden = ["rang", "classement", "meilleur", "recommand", "score"]

    static func download(_ client: any TestClientProtocol, _ path: String, headers: HTTPFields = [:], body: String? = nil) async throws -> Data {
        let response = try await client.execute(uri: path, method: .get, headers: headers, body: body.map { ByteBuffer(string: $0) })
        guard response.status == .ok else { throw TestSetupError("\(path): \(response.status) \(response.text)") }
        return Data(buffer: response.body)
    }

    static func analysed(_ client: any TestClientProtocol) async throws -> (id: String, analysis: [String: Any]) {
        let id = try await AnalysisTests.fixtureCase(client)
        let response = try await client.send(.post, "/api/analyze/\(id)")
        guard response.status == .ok else { throw TestSetupError("analyze: \(response.text)") }
        return (id, try response.object())
    }

    static func supplierNames(_ analysis: [String: Any]) -> [String?] {
        (analysis["offers"] as? [[String: Any]] ?? []).map { AnalysisTests.value($0, "supplier") as? String }
    }

    /// No-break spaces (thousands) read as plain spaces.
    static func plain(_ text: String) -> String { text.replacingOccurrences(of: "\u{00A0}", with: " ") }

    /// Every part of the file, except the office library's boilerplate that no reader sees (the
    /// theme's font list holds "Arangelo", app.xml the "Named Ranges" of the print titles).
    static func checkNoRanking(_ data: Data, _ what: String) throws {
        let package = try OfficePackage(data)
        let boilerplate = ["xl/theme/theme1.xml", "docProps/app.xml"]
        for path in package.parts.keys where !boilerplate.contains(path) {
            let text = package.text(path).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            for word in Self.forbidden {
                #expect(!text.contains(word), "« \(word) » in \(what) \(path)")
            }
        }
    }

    @Test("the CBA of the fixtures: five sheets, every extracted value in its supplier's column, amounts as FCFA numbers")
    func fixtureCBA() async throws {
        try await withTestApp { client, _ in
            let (id, analysis) = try await Self.analysed(client)
            let detail = try await client.send(.get, "/api/cases/\(id)").object()
            let head = try #require((detail["events"] as? [[String: Any]])?.last?["hash"] as? String)
            let response = try await client.execute(uri: "/api/download/\(id)/cba", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"CBA-\(id.prefix(8)).xlsx\"") == true)
            let data = Data(buffer: response.body)
            let book = try Workbook(data)
            #expect(book.sheetNames == ["Synthèse", "Critères", "Essentiels", "Technique", "Commercial", "Indices"])
            let properties = try book.package.xml("docProps/core.xml")
            #expect(properties.first("dc:subject")?.text == id)
            #expect(properties.first("dc:title")?.text == "CBA — Fourniture de ciment et de fer à béton — Mopti")

            let summary = try book.grid("Synthèse").flatMap { $0 }
            #expect(summary.contains("Fourniture de ciment et de fer à béton — Mopti"))
            #expect(summary.contains(head))
            for document in try #require(detail["documents"] as? [[String: Any]]) {
                #expect(summary.contains(try #require(document["sha256"] as? String)))
                #expect(summary.contains(try #require(document["filename"] as? String)))
            }

            let criteria = try book.grid("Critères")
            for criterion in try #require(analysis["criteria"] as? [[String: Any]]) {
                let label = try #require(criterion["label"] as? String)
                let row = try #require(criteria.first { $0.count > 1 && $0[1] == label }, "criterion \(label)")
                #expect(row[5] == ((criterion["eliminatory"] as? Bool) == true ? "oui" : "non"))
                if let points = criterion["points"] as? NSNumber { #expect(row[3] == points.stringValue) }
            }

            let cells = try book.cells("Commercial")
            let grid = try book.grid("Commercial")
            let names = Self.supplierNames(analysis)
            #expect(grid[1].count == names.count + 1)
            for (index, name) in names.enumerated() {
                let header = grid[1][index + 1]
                if let name { #expect(header == name) } else { #expect(header.hasPrefix("REVUE MANUELLE")) }
            }
            func cell(_ label: String, _ supplier: String?) throws -> Workbook.Cell {
                let row = try #require(grid.firstIndex { $0.first == label }, "\(label)")
                let column = try #require(names.firstIndex { supplier == nil ? $0 == nil : $0?.lowercased().contains(supplier!.lowercased()) == true })
                return try #require(cells[Workbook.reference(row: row, column: column + 1)])
            }
            let expected = try SharedFixtures.expected()
            for want in try #require(expected["offers"] as? [[String: Any]]) {
                let supplier = want["supplier_contains"] as? String
                let amount = try cell("Montant total de l'offre", supplier)
                if let total = want["total_amount"] as? NSNumber {
                    #expect(amount.isNumber && amount.value == total.stringValue, "\(supplier ?? "?") amount")
                    #expect(book.numberFormat(style: amount.style) == #"#,##0 "FCFA""#)
                    #expect(try cell("Devise", supplier).value == "FCFA")
                    #expect(try cell("HT / TTC", supplier).value == want["tax"] as? String)
                    // Green when read with `high` confidence; a value read by OCR is `low` (yellow).
                    #expect(book.fill(style: amount.style) == (want["ocr"] as? Bool == true ? "FFFFEB9C" : "FFC6EFCE"), "\(supplier ?? "?") fill")
                } else {
                    #expect(amount.value == "REVUE MANUELLE" && book.fill(style: amount.style) == "FFFFC7CE")
                }
                for (label, key) in [("Délai de livraison (jours)", "delivery_days"), ("Validité de l'offre (jours)", "validity_days")] {
                    let value = try cell(label, supplier)
                    if let days = want[key] as? Int {
                        #expect(value.isNumber && value.value == String(days), "\(supplier ?? "?") \(key)")
                    } else {
                        #expect(value.value == "REVUE MANUELLE" && book.fill(style: value.style) == "FFFFC7CE", "\(supplier ?? "?") \(key)")
                    }
                }
                let source = try cell("Source du montant", supplier).value
                #expect(want["total_amount"] is NSNumber ? source.contains("« ") : source.contains("non trouvé"))
            }
            let essentials = try book.grid("Essentiels").flatMap { $0 }
            #expect(essentials.contains { $0.hasPrefix("Registre de commerce") && $0.contains("éliminatoire") })
            #expect(essentials.contains("à vérifier par le comité"))
            try Self.checkNoRanking(data, "CBA")

            // A download renders the current state and records nothing: the last event is still the analysis.
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(events.last?["type"] as? String == "analysis_run")
        }
    }

    @Test("the opening PV lists the offers with their documents and amounts as read, and the committee")
    func openingPV() async throws {
        try await withTestApp { client, _ in
            let (id, analysis) = try await Self.analysed(client)
            // As a browser's form sends it: `+` for spaces, the rest percent-encoded.
            let membres = "Awa+Traor%C3%A9;Moussa%20Ke%C3%AFta"
            let response = try await client.execute(uri: "/api/download/\(id)/pv?type=ouverture&membres=\(membres)", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"PV-ouverture-\(id.prefix(8)).docx\"") == true)
            let data = Data(buffer: response.body)
            let pv = try WordDocument(data)
            #expect(pv.styledParagraphs.first?.style == "Title")
            #expect(pv.styledParagraphs.contains { $0.style == "Heading1" && $0.text == "Offres reçues" })
            let offers = try #require(pv.tables.first { $0.first == ["Fournisseur", "Documents", "Montant lu", "HT / TTC"] })
            let names = Self.supplierNames(analysis)
            #expect(offers.count == names.count + 1)
            let expected = try SharedFixtures.expected()
            for want in try #require(expected["offers"] as? [[String: Any]]) {
                let files = try #require(want["files"] as? [String])
                let row = try #require(offers.first { row in files.allSatisfy { row[1].contains($0) } }, "\(files)")
                if let needle = want["supplier_contains"] as? String { #expect(row[0].lowercased().contains(needle.lowercased())) }
                if let total = want["total_amount"] as? Int {
                    let grouped = Self.plain(row[2])
                    #expect(grouped.replacingOccurrences(of: " ", with: "") == "\(total)FCFA", "\(files)")
                    #expect(row[3] == want["tax"] as? String)
                } else {
                    #expect(row[2] == "REVUE MANUELLE")
                }
            }
            let committee = try #require(pv.tables.first { $0.first == ["Nom", "Signature"] })
            #expect(committee.dropFirst().map { $0[0] } == ["Awa Traoré", "Moussa Keïta"])
            let footer = try OfficePackage(data).text("word/footer1.xml")
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(footer.contains(try #require(events.last?["hash"] as? String)))
            #expect(events.last?["type"] as? String == "analysis_run")
            try Self.checkNoRanking(data, "PV ouverture")

            // Issued with its members in the body, the PV names them too.
            let issued = try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"pv_ouverture","members":["Fatoumata Diarra"]}"#)
            #expect(issued.status == .created, "\(issued.text)")
            let reportID = try #require(try issued.object()["id"] as? String)
            let body = try await Self.download(client, "/api/reports/\(reportID)")
            #expect(try WordDocument(body).tables.first { $0.first == ["Nom", "Signature"] }?.last == ["Fatoumata Diarra", ""])
        }
    }

    @Test("the analysis PV: facts per supplier; the decision only once decided, otherwise « Décision : en attente du comité »")
    func analysisPV() async throws {
        try await withTestApp { client, _ in
            let (id, analysis) = try await Self.analysed(client)
            let pending = try await Self.download(client, "/api/download/\(id)/pv?type=analyse")
            let before = try WordDocument(pending)
            #expect(before.paragraphs.contains("Décision : en attente du comité"))
            let all = Self.supplierNames(analysis)
            let names = all.compactMap { $0 }
            let headings = before.styledParagraphs.filter { $0.style == "Heading2" }.map(\.text)
            #expect(headings.count == all.count)
            #expect(Array(headings.prefix(names.count)) == names)
            let facts = before.tables.filter { $0.first == ["Élément", "Valeur", "Source"] }
            #expect(facts.count == all.count)
            let expected = try SharedFixtures.expected()
            for want in try #require(expected["offers"] as? [[String: Any]]) {
                let needle = (want["supplier_contains"] as? String)?.lowercased()
                let index = try #require(all.firstIndex { needle == nil ? $0 == nil : $0?.lowercased().contains(needle!) == true })
                let table = try #require(facts[safe: index])
                func value(_ label: String) -> String? { table.first { $0[0] == label }.map { Self.plain($0[1]) } }
                let files = try #require(want["files"] as? [String])
                #expect(files.allSatisfy { value("Documents de l'offre")?.contains($0) == true })
                if let total = want["total_amount"] as? Int {
                    #expect(value("Montant total de l'offre")?.replacingOccurrences(of: " ", with: "") == "\(total)FCFA", "\(files)")
                    #expect(value("HT / TTC") == want["tax"] as? String)
                    #expect(table.first { $0[0] == "Montant total de l'offre" }?[2].contains("« ") == true, "source of \(files)")
                } else {
                    #expect(value("Montant total de l'offre") == "REVUE MANUELLE")
                }
                for (label, key) in [("Délai de livraison (jours)", "delivery_days"), ("Validité de l'offre (jours)", "validity_days")] {
                    #expect(value(label) == (want[key] as? Int).map(String.init) ?? "REVUE MANUELLE", "\(files) \(key)")
                }
            }
            try Self.checkNoRanking(pending, "PV analyse")

            let chosen = try #require(names.first { $0.lowercased().contains("kon") })
            let decide = try await client.send(.post, "/api/decide/\(id)", object: [
                "chosen_supplier": chosen, "decision_reason": "Offre conforme & complète", "next_action": "Notifier le fournisseur",
            ])
            #expect(decide.status == .ok, "\(decide.text)")
            let decided = try await Self.download(client, "/api/download/\(id)/pv?type=analyse", headers: [HTTPField.Name("X-DMS-Actor")!: "Comité"])
            let after = try WordDocument(decided)
            #expect(!after.paragraphs.contains { $0.contains("en attente du comité") })
            let decision = try #require(after.tables.first { $0.first == ["Élément", "Décision"] })
            #expect(decision.contains(["Fournisseur choisi par le comité", chosen]))
            #expect(decision.contains(["Motif", "Offre conforme & complète"]))
            #expect(decision.contains(["Prochaine action", "Notifier le fournisseur"]))
            #expect(decision.contains { $0[0] == "Décidée le" && $0[1].hasSuffix("UTC") })
            #expect(decision.contains(["Par", "anonymous"]))
            try Self.checkNoRanking(decided, "PV analyse décidé")
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(events.last?["type"] as? String == "decision_recorded", "the download recorded nothing")
        }
    }

    @Test("supplier names with &, <, > and quotes, and accented titles, render as typed")
    func specialCharacters() async throws {
        try await withTestApp { client, _ in
            let title = #"Fer à béton & ciment <Ségou> "urgent""#
            let id = try #require(try await client.createCase(title: title)["id"] as? String)
            var offers = MultipartBody()
            offers.add(try SampleFiles.docx([#"Raison sociale : Ets Diallo & Fils <Sikasso> "Le Fer""#, "Montant total : 5 000 000 FCFA TTC",
                                             "Délai de livraison : 15 jours"]), filename: "a.docx")
            offers.add(try SampleFiles.docx(["Raison sociale : Société Générale d'Équipements « Kéniéba »", "Montant total : 6 100 000 FCFA HT"]),
                       filename: "b.docx")
            #expect(try await client.upload(offers, case: id).status == .created)
            let analysis = try await client.send(.post, "/api/analyze/\(id)").object()
            let names = Self.supplierNames(analysis).compactMap { $0 }
            #expect(names.count == 2)
            let diallo = try #require(names.first { $0.hasPrefix("Ets Diallo") })
            #expect(diallo.contains("& Fils <Sikasso> \"Le Fer"))

            let book = try Workbook(try await Self.download(client, "/api/download/\(id)/cba"))
            #expect(Array(try book.grid("Commercial")[1].dropFirst()) == names)
            #expect(try book.grid("Synthèse").flatMap { $0 }.contains(title))
            for type in ["ouverture", "analyse"] {
                let data = try await Self.download(client, "/api/download/\(id)/pv?type=\(type)")
                let pv = try WordDocument(data)
                for name in names { #expect(pv.paragraphs.contains(name), "\(type): \(name)") }
                #expect(pv.paragraphs.contains(title))
                #expect(try OfficePackage(data).xml("word/header1.xml").all("w:t").map(\.text).contains(title))
            }
        }
    }

    @Test("a case without analysis still gets its CBA and PVs, which say « aucune analyse »")
    func withoutAnalysis() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Cotation papeterie", type: "RFQ")["id"] as? String)
            let book = try Workbook(try await Self.download(client, "/api/download/\(id)/cba"))
            for sheet in ["Critères", "Commercial", "Essentiels"] {
                #expect(try book.grid(sheet).flatMap { $0 }.contains { $0.hasPrefix("aucune analyse") }, "\(sheet)")
            }
            for type in ["ouverture", "analyse"] {
                let pv = try WordDocument(try await Self.download(client, "/api/download/\(id)/pv?type=\(type)"))
                #expect(pv.paragraphs.contains { $0.contains("aucune analyse") }, "\(type)")
            }
        }
    }

    @Test("unknown case is 404, a bad or missing type is 422 naming type, bad committee names are 422")
    func errors() async throws {
        try await withTestApp { client, _ in
            #expect(try await client.send(.get, "/api/download/\(UUID().uuidString)/cba").status == .notFound)
            #expect(try await client.send(.get, "/api/download/\(UUID().uuidString)/pv?type=analyse").status == .notFound)
            #expect(try await client.send(.get, "/api/download/pas-un-id/cba").status == .notFound)
            let id = try #require(try await client.createCase()["id"] as? String)
            for query in ["?type=classement", "", "?type="] {
                let response = try await client.send(.get, "/api/download/\(id)/pv\(query)")
                #expect(response.status == .unprocessableContent, "\(query)")
                #expect(response.errorField == "type")
            }
            let tooLong = String(repeating: "x", count: 201)
            let response = try await client.send(.get, "/api/download/\(id)/pv?type=ouverture&membres=Awa;\(tooLong)")
            #expect(response.status == .unprocessableContent && response.errorField == "membres")
            // Nothing was generated, so nothing was recorded.
            let events = try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
            #expect(events.count == 1)
        }
    }

    @Test("51 suppliers is more than a CBA shows: 422 with a French message")
    func tooManySuppliers() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            // At most 50 files per upload: two uploads.
            for batch in [1...26, 27...51] {
                var offers = MultipartBody()
                for index in batch {
                    offers.add(try SampleFiles.docx(["Raison sociale : Entreprise \(String(format: "%02d", index)) Sahel", "Montant total : \(index) 000 FCFA"]),
                               filename: "offre\(index).docx")
                }
                #expect(try await client.upload(offers, case: id).status == .created)
            }
            let analysis = try await client.send(.post, "/api/analyze/\(id)").object()
            #expect((analysis["offers"] as? [[String: Any]])?.count == 51)
            let response = try await client.send(.get, "/api/download/\(id)/cba")
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "too_many_suppliers")
            let message = try #require((try response.object()["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("50") && message.contains("51"))
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { self.indices.contains(index) ? self[index] : nil }
}
