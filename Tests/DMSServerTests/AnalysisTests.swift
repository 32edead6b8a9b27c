import DMSTestSupport
import Foundation
import HummingbirdTesting
import Testing

@Suite("Analysis of a case's documents")
struct AnalysisTests {
    /// A case with the shared fixtures deposited: the DAO and the five offer files.
    static func fixtureCase(_ client: any TestClientProtocol) async throws -> String {
        let id = try #require(try await client.createCase(title: "Fourniture de ciment et de fer à béton — Mopti", lot: "Lot 2")["id"] as? String)
        let dao = try await client.upload(MultipartBody(file: try SharedFixtures.data("dossier_AO_2026-017.docx"), filename: "dossier_AO_2026-017.docx"), case: id, kind: "dao")
        #expect(dao.status == .created)
        var offers = MultipartBody()
        for name in ["offre_finale_v2.docx", "scan_0003.docx", "scan_0004.pdf", "document_recu_14h32.pdf", "IMG_20261102_0931.pdf"] {
            offers.add(try SharedFixtures.data(name), filename: name)
        }
        #expect(try await client.upload(offers, case: id, kind: "offer").status == .created)
        return id
    }

    static func value(_ offer: [String: Any], _ field: String) -> Any? {
        let entry = offer[field] as? [String: Any]
        return entry?["value"] is NSNull ? nil : entry?["value"]
    }

    @Test("the fixtures' expected values are extracted exactly, with sources, suppliers alphabetical")
    func fixtures() async throws {
        try await withTestApp { client, _ in
            let expected: [String: Any]? = try SharedFixtures.expected()
            let id = try await Self.fixtureCase(client)
            let response = try await client.send(.post, "/api/analyze/\(id)")
            #expect(response.status == .ok, "\(response.text)")
            let analysis = try response.object()
            let criteria = try #require(analysis["criteria"] as? [[String: Any]])
            for want in try #require((expected?["dao"] as? [String: Any])?["criteria"] as? [[String: Any]]) {
                let label = try #require(want["label_contains"] as? String)
                let found = try #require(criteria.first { ($0["label"] as? String)?.contains(label) == true }, "criterion \(label)")
                #expect(found["eliminatory"] as? Bool == want["eliminatory"] as? Bool, "\(label)")
                #expect((found["points"] as? NSNumber)?.intValue == (want["points"] as? NSNumber)?.intValue, "\(label)")
            }
            let offers = try #require(analysis["offers"] as? [[String: Any]])
            let wanted = try #require(expected?["offers"] as? [[String: Any]])
            #expect(offers.count == wanted.count)
            for want in wanted {
                let files = try #require(want["files"] as? [String])
                let offer: [String: Any]
                if let needle = want["supplier_contains"] as? String {
                    offer = try #require(offers.first { (Self.value($0, "supplier") as? String)?.lowercased().contains(needle.lowercased()) == true }, "\(needle)")
                } else {
                    offer = try #require(offers.first { Self.value($0, "supplier") == nil })
                }
                #expect((offer["document_ids"] as? [String])?.count == files.count, "\(files)")
                let amount = Self.value(offer, "total_amount") as? [String: Any]
                if let total = want["total_amount"] as? NSNumber {
                    #expect((amount?["amount"] as? NSNumber)?.intValue == total.intValue, "\(files) amount")
                    #expect(amount?["currency"] as? String == want["currency"] as? String)
                    #expect(amount?["tax"] as? String == want["tax"] as? String)
                    #expect((offer["total_amount"] as? [String: Any])?["source"] is [String: Any])
                } else {
                    #expect(amount == nil && (offer["total_amount"] as? [String: Any])?["status"] as? String == "REVUE MANUELLE")
                }
                for (field, key) in [("delivery_days", "delivery_days"), ("validity_days", "validity_days")] {
                    if let days = want[key] as? Int {
                        #expect(Self.value(offer, field) as? Int == days, "\(files) \(field)")
                    } else {
                        #expect((offer[field] as? [String: Any])?["status"] as? String == "REVUE MANUELLE", "\(files) \(field)")
                    }
                }
                if want["ocr"] as? Bool == true {
                    // Read by OCR: every value low, located on a page.
                    for field in ["supplier", "total_amount", "delivery_days", "validity_days"] where Self.value(offer, field) != nil {
                        let entry = offer[field] as? [String: Any]
                        #expect(entry?["confidence"] as? String == "low", "\(files) \(field)")
                        #expect(((entry?["source"] as? [String: Any])?["location"] as? String)?.hasPrefix("page ") == true, "\(files) \(field)")
                    }
                }
                if let parts = want["parts"] as? [String] {
                    #expect(offer["parts"] as? [String] == parts, "\(files) parts")
                }
            }
            let names = offers.compactMap { Self.value($0, "supplier") as? String }
            let folded = { (name: String) in name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
            #expect(names == names.sorted { folded($0) < folded($1) })
            #expect((analysis["warnings"] as? [String])?.contains { $0.contains("IMG_20261102_0931.pdf") } == true)
            let detail = try await client.send(.get, "/api/cases/\(id)").object()
            #expect(detail["status"] as? String == "analyzed")
            #expect((detail["events"] as? [[String: Any]])?.last?["type"] as? String == "analysis_run")
        }
    }

    @Test("no supplier name ever comes from a file name")
    func fileNames() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let body = MultipartBody(file: SampleFiles.pdf("Montant total : 1 000 000 FCFA"), filename: "Offre SOCIETE FANTOME SARL.pdf")
            #expect(try await client.upload(body, case: id).status == .created)
            let analysis = try await client.send(.post, "/api/analyze/\(id)").object()
            let offer = try #require((analysis["offers"] as? [[String: Any]])?.first)
            #expect(Self.value(offer, "supplier") == nil)
            // The name appears only as the file's name in `inputs`, never in an offer.
            let offers = try JSONSerialization.data(withJSONObject: analysis["offers"] ?? [])
            #expect(!String(decoding: offers, as: UTF8.self).lowercased().contains("fantome"))
        }
    }

    @Test("analysing twice gives the same result, not doubles")
    func idempotent() async throws {
        try await withTestApp { client, config in
            let id = try await Self.fixtureCase(client)
            var first = try await client.send(.post, "/api/analyze/\(id)").object()
            var second = try await client.send(.post, "/api/analyze/\(id)").object()
            #expect(first["run"] as? Int == 1 && second["run"] as? Int == 2)
            for key in ["run_at", "run"] {
                first[key] = nil
                second[key] = nil
            }
            #expect(NSDictionary(dictionary: first).isEqual(to: second))
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM offers") == 4)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM criteria") == 5)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM events WHERE type = 'analysis_run'") == 2)
        }
    }

    @Test("analysing an unknown case is 404, a decided one 409, a case without documents gives warnings")
    func states() async throws {
        try await withTestApp { client, _ in
            #expect(try await client.send(.post, "/api/analyze/\(UUID().uuidString)").status == .notFound)
            let empty = try #require(try await client.createCase()["id"] as? String)
            let analysis = try await client.send(.post, "/api/analyze/\(empty)")
            #expect(analysis.status == .ok)
            #expect((try analysis.object()["warnings"] as? [String])?.count == 2)
            try await client.send(.post, "/api/decide/\(empty)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Gré à gré"}"#)
            #expect(try await client.send(.post, "/api/analyze/\(empty)").status == .conflict)
        }
    }

    @Test("corrections: any field, even a high one, with a reason; kept beside the extracted value, recorded, shown in the CBA")
    func corrections() async throws {
        try await withTestApp { client, _ in
            let id = try await Self.fixtureCase(client)
            let analysis = try await client.send(.post, "/api/analyze/\(id)").object()
            let offers = try #require(analysis["offers"] as? [[String: Any]])
            let dioura = try #require(offers.first { ($0["supplier_key"] as? String)?.contains("dioura") == true }?["supplier_key"] as? String)
            let path = "/api/cases/\(id)/offers/\(dioura.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)"
            let corrected = try await client.send(.patch, path, json: #"{"field":"delivery_days","value":21,"reason":"Confirmé par téléphone le 3/11"}"#)
            #expect(corrected.status == .ok, "\(corrected.text)")
            let offer = try #require((try corrected.object()["offers"] as? [[String: Any]])?.first { $0["supplier_key"] as? String == dioura })
            #expect((offer["delivery_days"] as? [String: Any])?["status"] as? String == "REVUE MANUELLE")
            let correction = try #require((offer["corrections"] as? [[String: Any]])?.first)
            #expect(correction["value"] as? Int == 21 && correction["field"] as? String == "delivery_days")
            // A value read with high confidence is correctable too (a machine can be wrong); the extracted one stays beside it.
            let highOffer = try #require(offers.first { (($0["validity_days"] as? [String: Any])?["confidence"] as? String) == "high" })
            let highKey = try #require(highOffer["supplier_key"] as? String)
            let highPath = "/api/cases/\(id)/offers/\(highKey.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)"
            let extractedValidity = try #require((highOffer["validity_days"] as? [String: Any])?["value"] as? Int)
            let high = try await client.send(.patch, highPath, json: #"{"field":"validity_days","value":45,"reason":"Erratum du fournisseur reçu le 5/11"}"#)
            #expect(high.status == .ok, "\(high.text)")
            let after = try #require((try high.object()["offers"] as? [[String: Any]])?.first { $0["supplier_key"] as? String == highKey })
            #expect((after["validity_days"] as? [String: Any])?["value"] as? Int == extractedValidity, "the extracted value stays")
            #expect((after["corrections"] as? [[String: Any]])?.last?["value"] as? Int == 45)
            let cba = try await client.execute(uri: "/api/download/\(id)/cba", method: .get, headers: [:], body: nil)
            let sheets = try Workbook(Data(buffer: cba.body)).grid("Commercial").flatMap { $0 }
            #expect(sheets.contains { $0.contains("corrigé par anonymous") && $0.contains("Erratum du fournisseur") && $0.contains("valeur lue dans l'offre : \(extractedValidity) jours") })
            #expect(try await client.send(.patch, "/api/cases/\(id)/offers/inconnu", json: #"{"field":"delivery_days","value":1,"reason":"x"}"#).status == .notFound)
            for bad in [#"{"field":"delivery_days","value":"vingt","reason":"x"}"#, #"{"field":"rank","value":1,"reason":"x"}"#,
                        #"{"field":"delivery_days","value":21}"#, #"{"field":"delivery_days","value":-1,"reason":"x"}"#] {
                #expect(try await client.send(.patch, path, json: bad).status == .unprocessableContent, "\(bad)")
            }
            // Corrections survive a new analysis and are in the memory.
            let again = try await client.send(.post, "/api/analyze/\(id)").object()
            let kept = (again["offers"] as? [[String: Any]])?.first { $0["supplier_key"] as? String == dioura }
            #expect((kept?["corrections"] as? [[String: Any]])?.filter { $0["field"] as? String == "delivery_days" }.count == 1)
            let events = try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]]
            #expect(events?.contains { $0["type"] as? String == "offer_corrected" } == true)
        }
    }

    @Test("once offers are analysed, the decision must name one of their suppliers")
    func decisionSupplier() async throws {
        try await withTestApp { client, _ in
            let id = try await Self.fixtureCase(client)
            try await client.send(.post, "/api/analyze/\(id)")
            let unknown = try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Fournisseur Inconnu","decision_reason":"x"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.errorField == "chosen_supplier")
            let known = try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Sahel BTP","decision_reason":"Offre conforme"}"#)
            #expect(known.status == .ok, "\(known.text)")
            #expect((try known.object()["analysis"] as? [String: Any]) != nil)
        }
    }
}
