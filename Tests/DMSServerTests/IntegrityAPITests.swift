import DMSTestSupport
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Integrity facts between offers: GET /api/cases/{id}/integrity, the case page, the CBA, a supplier's links")
struct IntegrityAPITests {
    /// The DAO's own words, which every offer copies: expected, never a link.
    static let boilerplate = "Le soumissionnaire certifie que les renseignements fournis dans son offre sont exacts et s'engage à maintenir "
        + "son offre valable pendant quatre-vingt-dix jours à compter de la date limite de dépôt des offres."
    /// What one supplier wrote and another copied.
    static let copied = "Notre société dispose de deux camions de dix tonnes et d'un entrepôt de trois cents mètres carrés à Sébénikoro, "
        + "ce qui lui permet de livrer l'ensemble des matériaux sur le site de l'école dans un délai de quinze jours après la notification."
    static let daoProperties = SampleFiles.Properties(author: "Cellule des marchés", company: "ONG Action Éducation Sahel", created: "2026-01-10T08:00:00Z")

    static func dao() throws -> Data {
        try SampleFiles.docx(["DOSSIER D'APPEL D'OFFRES N° 2026/014", "Autorité contractante : ONG Action Éducation Sahel, Tél. : +223 20 29 44 10",
                              Self.boilerplate, "Critère 1 : Expérience dans des marchés similaires (40 points)", "Critère 2 : Prix (60 points)"],
                             properties: Self.daoProperties)
    }

    /// The acceptance case: two offers typed from one template by one author with one phone number,
    /// the first in two files (technical and financial parts), and a third, independent offer.
    static func acceptanceCase(_ client: any TestClientProtocol, title: String = "Matériaux pour l'école de Kalaban Coro") async throws -> String {
        let id = try #require(try await client.createCase(title: title)["id"] as? String)
        #expect(try await client.upload(MultipartBody(file: try Self.dao(), filename: "DAO_2026_014.docx"), case: id, kind: "dao").status == .created)
        var offers = MultipartBody()
        // Typed into the DAO's file: its author, company and creation time come with it (not links).
        offers.add(try SampleFiles.docx(["Soumissionnaire : Ets Sanogo et Frères", "Tél. : +223 76 45 12 89", Self.boilerplate, Self.copied,
                                         "Offre adressée à ONG Action Éducation Sahel, Tél. : +223 20 29 44 10"],
                                        properties: SampleFiles.Properties(author: "Boubacar Keïta", lastModifiedBy: "Utilisateur", company: "ONG Action Éducation Sahel",
                                                                           template: "Normal.dotm", created: "2026-01-10T08:00:00Z")),
                   filename: "offre_technique_sanogo.docx")
        offers.add(try SampleFiles.docx(["Offre financière de Ets Sanogo et Frères", "Soumissionnaire : Ets Sanogo et Frères", "Tél. : 76 45 12 89",
                                         "Montant total TTC : 18 450 000 FCFA"],
                                        properties: SampleFiles.Properties(author: "Boubacar Keïta", created: "2026-02-03T09:14:00Z")),
                   filename: "offre_financiere_sanogo.docx")
        offers.add(try SampleFiles.docx(["Soumissionnaire : Bâtimat Sahel SARL", "Cel. 76.45.12.89", Self.boilerplate, Self.copied,
                                         "Montant total TTC : 19 200 000 FCFA"],
                                        properties: SampleFiles.Properties(author: "Boubacar Keita", lastModifiedBy: "Admin", company: "ONG Action Éducation Sahel",
                                                                           template: "Normal.dotm", created: "2026-01-10T08:00:00Z")),
                   filename: "BATIMAT.docx")
        offers.add(SampleFiles.pdf(pages: [["Soumissionnaire : Kalanso Distribution", "Tel. 66 21 78 40", Self.ascii(Self.boilerplate),
                                            "Nous livrons avec nos propres vehicules sous dix jours depuis notre magasin de Magnambougou.",
                                            "Montant total TTC : 17 900 000 FCFA"]],
                                   info: ["Author": "Mariam Coulibaly", "Producer": "Microsoft Word 2019", "CreationDate": "D:20260206110200Z"]),
                   filename: "Kalanso.pdf")
        #expect(try await client.upload(offers, case: id, kind: "offer").status == .created)
        return id
    }

    /// The PDF sample writes ASCII only.
    static func ascii(_ text: String) -> String {
        text.folding(options: .diacriticInsensitive, locale: nil)
    }

    static func links(_ client: any TestClientProtocol, _ id: String) async throws -> [[String: Any]] {
        let response = try await client.send(.get, "/api/cases/\(id)/integrity")
        #expect(response.status == .ok, "\(response.text)")
        let body = try response.object()
        #expect(body["legend"] as? String == "indice, pas une preuve ; le comité apprécie")
        return try #require(body["links"] as? [[String: Any]])
    }

    static func documents(_ client: any TestClientProtocol, _ id: String) async throws -> [String: (id: String, sha256: String)] {
        let detail = try await client.send(.get, "/api/cases/\(id)").object()
        var found: [String: (String, String)] = [:]
        for document in detail["documents"] as? [[String: Any]] ?? [] {
            found[document["filename"] as? String ?? ""] = (document["id"] as? String ?? "", document["sha256"] as? String ?? "")
        }
        return found
    }

    @Test("two offers typed from one template by one author with one phone: three links with their evidence; the independent offer, the DAO's boilerplate and what the DAO's file gave are not links")
    func acceptance() async throws {
        try await withTestApp { client, config in
            let id = try await Self.acceptanceCase(client)
            #expect(try await Self.links(client, id).isEmpty, "before any analysis: an empty list")
            let analysis = try await client.send(.post, "/api/analyze/\(id)")
            #expect(analysis.status == .ok)
            // The analysis itself is unchanged: three suppliers, alphabetical, the two files of one merged.
            let offers = try #require(try analysis.object()["offers"] as? [[String: Any]])
            #expect(offers.map { AnalysisTests.value($0, "supplier") as? String } == ["Bâtimat Sahel SARL", "Ets Sanogo et Frères", "Kalanso Distribution"])
            #expect((offers[1]["document_ids"] as? [String])?.count == 2)

            let links = try await Self.links(client, id)
            #expect(links.map { $0["kind"] as? String } == ["same_metadata", "shared_contact", "shared_text"], "\(links.map { $0["note"] ?? "" })")
            let files = try await Self.documents(client, id)
            for link in links {
                #expect(link["suppliers"] as? [String] == ["Bâtimat Sahel SARL", "Ets Sanogo et Frères"])
                #expect(link["supplier_keys"] as? [String] == ["batimat sahel", "sanogo et freres"])
                let evidence = try #require(link["evidence"] as? [[String: Any]])
                #expect(Set(evidence.compactMap { $0["supplier_key"] as? String }) == ["batimat sahel", "sanogo et freres"])
                for item in evidence {
                    let file = try #require(files[item["filename"] as? String ?? ""], "\(item)")
                    #expect(item["document_id"] as? String == file.id && item["sha256"] as? String == file.sha256)
                    #expect(!(item["where"] as? String ?? "").isEmpty && !(item["snippet"] as? String ?? "").isEmpty)
                }
                // Nothing about Kalanso, the DAO's boilerplate, its company, its phone or its creation time.
                let text = String(decoding: try JSONSerialization.data(withJSONObject: link), as: UTF8.self)
                for absent in ["Kalanso", "quatre-vingt-dix", "ONG Action", "20 29 44 10", "created_at"] {
                    #expect(!text.contains(absent), "\(absent) in \(link["note"] ?? "")")
                }
            }
            #expect(links[0]["subject"] as? String == "author")
            #expect(links[0]["note"] as? String == "Les offres de Bâtimat Sahel SARL et Ets Sanogo et Frères ont le même auteur de document : “Boubacar Keita”")
            #expect((links[0]["evidence"] as? [[String: Any]])?.first?["where"] as? String == "propriétés du fichier : auteur (docProps/core.xml, dc:creator)")
            #expect(links[1]["subject"] as? String == "phone" && links[1]["value"] as? String == "+223 76 45 12 89")
            #expect(links[1]["note"] as? String == "Les offres de Bâtimat Sahel SARL et Ets Sanogo et Frères donnent le même numéro de téléphone : +223 76 45 12 89")
            let passage = try #require((links[2]["evidence"] as? [[String: Any]])?.first)
            #expect((passage["snippet"] as? String)?.contains("deux camions de dix tonnes") == true)
            #expect((passage["where"] as? String)?.hasPrefix("§") == true)

            // Recorded in the run: the memory keeps what was shown.
            #expect(try await TestDatabase.integer(config, "SELECT jsonb_array_length(integrity) FROM analysis_runs WHERE run = 1") == 3)

            // The case page says it in words, with the legend.
            let page = try await client.send(.get, "/dossiers/\(id)").text
            #expect(page.contains("Indices entre offres") && page.contains("indice, pas une preuve ; le comité apprécie"))
            #expect(page.contains("ont le même auteur de document : “Boubacar Keita”"))
        }
    }

    @Test("the CBA lists the links in a last sheet « Indices », and nothing in the CBA or the PVs reads as a ranking")
    func workbook() async throws {
        try await withTestApp { client, _ in
            let id = try await Self.acceptanceCase(client)
            #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok)
            let data = try await ReportTests.download(client, "/api/download/\(id)/cba")
            let book = try Workbook(data)
            #expect(book.sheetNames == ["Synthèse", "Critères", "Essentiels", "Technique", "Commercial", "Indices"])
            let sheet = try book.grid("Indices").flatMap { $0 }
            #expect(sheet.contains("indice, pas une preuve ; le comité apprécie"))
            #expect(sheet.contains("Les offres de Bâtimat Sahel SARL et Ets Sanogo et Frères donnent le même numéro de téléphone : +223 76 45 12 89"))
            #expect(sheet.contains { $0.contains("offre_technique_sanogo.docx") && $0.contains("Tél. : +223 76 45 12 89") })
            try ReportTests.checkNoRanking(data, "CBA")
            for kind in ["ouverture", "analyse"] {
                try ReportTests.checkNoRanking(try await ReportTests.download(client, "/api/download/\(id)/pv?type=\(kind)"), "PV \(kind)")
            }
            // Before any analysis the sheet is there and says so.
            let empty = try #require(try await client.createCase()["id"] as? String)
            let blank = try Workbook(try await ReportTests.download(client, "/api/download/\(empty)/cba")).grid("Indices").flatMap { $0 }
            #expect(blank.contains { $0.hasPrefix("aucune analyse") })
        }
    }

    @Test("bank account (IBAN and RIB), tax number, near-equal totals and another supplier's name, each with its evidence")
    func otherKinds() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Transport de vivres")["id"] as? String)
            #expect(try await client.upload(MultipartBody(file: try Self.dao(), filename: "DAO.docx"), case: id, kind: "dao").status == .created)
            var offers = MultipartBody()
            offers.add(try SampleFiles.docx(["Soumissionnaire : Groupe Yiriwa BTP", "NIF : 084512399K – RCCM : MA.BKO.2019.B.4521",
                                             "IBAN : ML18 ML01 6012 0102 0401 0000 4567", "Sous-traitant pour le transport : Faso Logistique Mali",
                                             "Montant total TTC : 24 310 000 FCFA"]), filename: "yiriwa.docx")
            offers.add(SampleFiles.pdf(pages: [["Soumissionnaire : Faso Logistique Mali", "N. NIF 084 512 399 K", "RIB : ML016 01201 020401000045 67",
                                                "Montant total TTC : 24 240 000 FCFA"]]), filename: "FLM.pdf")
            offers.add(try SampleFiles.docx(["Soumissionnaire : Dembélé Commerce Général", "NIF : 081234567P", "Montant total TTC : 26 900 000 FCFA"]),
                       filename: "dembele.docx")
            #expect(try await client.upload(offers, case: id, kind: "offer").status == .created)
            #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok)
            let links = try await Self.links(client, id)
            let found = links.map { "\($0["kind"] as? String ?? "") \($0["subject"] as? String ?? "")" }
            #expect(found == ["shared_contact bank_account", "shared_contact tax_number", "similar_prices total_amount", "names_other_supplier name"],
                    "\(links.map { $0["note"] ?? "" })")
            for link in links {
                #expect(link["suppliers"] as? [String] == ["Faso Logistique Mali", "Groupe Yiriwa BTP"])
                #expect((link["evidence"] as? [[String: Any]])?.isEmpty == false)
            }
            #expect(links[0]["value"] as? String == "ML18 ML01 6012 0102 0401 0000 4567")
            let places = (links[0]["evidence"] as? [[String: Any]])?.map { $0["where"] as? String }
            #expect(places == ["page 1", "§3"])
            #expect((links[2]["note"] as? String)?.contains("écart de 0,29 %") == true)
            #expect(links[3]["note"] as? String == "Le fichier « yiriwa.docx » de l'offre de Groupe Yiriwa BTP contient le nom de Faso Logistique Mali")
        }
    }

    @Test("unknown case 404; an empty list before any analysis")
    func states() async throws {
        try await withTestApp { client, _ in
            #expect(try await client.send(.get, "/api/cases/\(UUID().uuidString)/integrity").status == .notFound)
            let id = try #require(try await client.createCase()["id"] as? String)
            #expect(try await Self.links(client, id).isEmpty)
            let page = try await client.send(.get, "/dossiers/\(id)").text
            #expect(page.contains("Indices entre offres"))
        }
    }

    @Test("a supplier's links across cases: the same pair in two tenders, newest first, page by page, filtered by the other supplier")
    func acrossCases() async throws {
        try await withTestApp { client, _ in
            let first = try await Self.acceptanceCase(client, title: "Matériaux — école de Kalaban Coro")
            let second = try await Self.acceptanceCase(client, title: "Matériaux — centre de santé de Sanankoroba")
            for id in [first, second] { #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok) }
            // By key or by name as written: the same supplier.
            for key in ["sanogo%20et%20freres", "Ets%20SANOGO%20%26%20Fr%C3%A8res"] {
                let page = try await client.send(.get, "/api/suppliers/\(key)/links?with=batimat%20sahel").object()
                let items = try #require(page["items"] as? [[String: Any]])
                #expect(items.count == 6)
                #expect(Set(items.compactMap { $0["case_id"] as? String }) == [first, second])
                #expect(items.first?["case_id"] as? String == second, "newest first")
                #expect(items.allSatisfy { ($0["supplier_keys"] as? [String]) == ["batimat sahel", "sanogo et freres"] })
                #expect(items.filter { $0["subject"] as? String == "phone" }.compactMap { $0["case_title"] as? String }
                    == ["Matériaux — centre de santé de Sanankoroba", "Matériaux — école de Kalaban Coro"])
                #expect(page["legend"] as? String == "indice, pas une preuve ; le comité apprécie")
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/api/suppliers/batimat%20sahel/links?limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")).object()
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 6)
            let none = try await client.send(.get, "/api/suppliers/kalanso%20distribution/links").object()
            #expect((none["items"] as? [Any])?.isEmpty == true && none["next_cursor"] is NSNull)
            #expect(try await client.send(.get, "/api/suppliers/personne/links").status == .ok)
            for bad in ["/api/suppliers/x/links?limit=0", "/api/suppliers/x/links?cursor=abc", "/api/suppliers/%2C%2C/links"] {
                #expect(try await client.send(.get, bad).status == .unprocessableContent, "\(bad)")
            }
        }
    }
}
