import DMSApp
import DMSCore
import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HummingbirdTesting
import Testing

@Suite("OCDS export")
struct OCDSTests {
    /// scripts/tests/validate_ocds.py: the official OCDS 1.1 schema, offline.
    static let validator = repositoryRoot.appendingPathComponent("scripts/tests/validate_ocds.py").path

    /// Validates a package against the official schema. Never skips: scripts/test installs what it
    /// needs, so a validator that cannot run fails the test and says why.
    static func expectValid(_ package: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let python = Python.path else {
            Issue.record("\(what): cannot validate: python3 not found at /usr/bin/python3 or /usr/local/bin/python3 (scripts/test installs it)",
                         sourceLocation: sourceLocation)
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dms-ocds-\(UUID().uuidString).json")
        try Data(package.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Python.run(python, [Self.validator, file.path])
        switch result.status {
        case 0: #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "OK", "\(what): \(result.output)", sourceLocation: sourceLocation)
        case 2: Issue.record("\(what): the validator cannot run: \(result.output)", sourceLocation: sourceLocation)
        default: Issue.record("\(what) is not a valid OCDS 1.1 release package:\n\(result.output)", sourceLocation: sourceLocation)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func release(_ package: [String: Any]) throws -> [String: Any] {
        let releases = try #require(package["releases"] as? [[String: Any]])
        #expect(releases.count == 1)
        return try #require(releases.first)
    }

    static func package(_ client: any TestClientProtocol, _ id: String) async throws -> (text: String, object: [String: Any]) {
        let response = try await client.send(.get, "/api/cases/\(id)/ocds")
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        return (response.text, try Self.json(response.text))
    }

    static func events(_ client: any TestClientProtocol, _ id: String) async throws -> [[String: Any]] {
        try #require(try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]])
    }

    @Test("an open case: a valid package, the DAO as bidding documents, no award; offers appear once uploaded (no deadline), tenderers only with an analysis")
    func openCase() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Fourniture de ciment — Mopti", lot: "Lot 2")["id"] as? String)
            let dao = try await client.upload(MultipartBody(file: try SharedFixtures.data("dossier_AO_2026-017.docx"), filename: "dossier_AO_2026-017.docx"),
                                              case: id, kind: "dao")
            #expect(dao.status == .created)
            let before = try await Self.events(client, id)
            let (text, package) = try await Self.package(client, id)
            try Self.expectValid(text, "open case")
            #expect(package["version"] as? String == "1.1" && package["uri"] as? String == "http://localhost/api/cases/\(id)/ocds")
            #expect((package["publisher"] as? [String: Any])?["name"] as? String == OCDSPublisher.defaultOrganisationName)
            let release = try Self.release(package)
            let ocid = "\(OCDSPublisher.defaultPrefix)-\(id)"
            #expect(release["ocid"] as? String == ocid)
            let last = try #require(before.last)
            #expect(release["id"] as? String == "\(ocid)-\(try #require(last["hash"] as? String))")
            #expect(release["date"] as? String == last["at"] as? String && package["publishedDate"] as? String == last["at"] as? String)
            #expect(release["tag"] as? [String] == ["tender"] && release["initiationType"] as? String == "tender")
            #expect(release["awards"] == nil && release["bids"] == nil)
            let tender = try #require(release["tender"] as? [String: Any])
            #expect(tender["status"] as? String == "active" && tender["title"] as? String == "Fourniture de ciment — Mopti" && tender["description"] as? String == "Lot 2")
            #expect(tender["procurementMethod"] as? String == "open" && tender["procurementMethodDetails"] as? String == "Dossier d'appel d'offres")
            let documents = try #require(tender["documents"] as? [[String: Any]])
            #expect(documents.count == 1 && documents[0]["documentType"] as? String == "biddingDocuments")
            #expect(documents[0]["title"] as? String == "dossier_AO_2026-017.docx")
            #expect(documents[0]["format"] as? String == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(tender["tenderers"] == nil && tender["numberOfTenderers"] == nil)
            #expect((release["parties"] as? [[String: Any]])?.map { $0["roles"] as? [String] } == [["buyer", "procuringEntity"]])

            // The same state, the same bytes; and reading wrote nothing.
            #expect(try await Self.package(client, id).text == text)
            #expect(try await client.send(.head, "/api/cases/\(id)/ocds").status == .ok)
            #expect(try await Self.events(client, id).count == before.count)

            // No deadline: an offer is readable as soon as it is deposited — its document is listed,
            // but no supplier is named before an analysis reads one.
            let offer = try await client.upload(MultipartBody(file: try SharedFixtures.data("offre_finale_v2.docx"), filename: "offre_finale_v2.docx"),
                                                case: id, kind: "offer")
            #expect(offer.status == .created)
            let (withOffer, object) = try await Self.package(client, id)
            try Self.expectValid(withOffer, "open case with an offer")
            let after = try #require(try Self.release(object)["tender"] as? [String: Any])
            #expect((after["documents"] as? [[String: Any]])?.map { $0["title"] as? String } == ["dossier_AO_2026-017.docx", "offre_finale_v2.docx"])
            #expect((after["documents"] as? [[String: Any]])?.last?["documentType"] == nil)
            #expect(after["tenderers"] == nil && !withOffer.contains("SAHEL"))
            #expect(try Self.release(object)["id"] as? String != release["id"] as? String, "a new state, a new release id")
        }
    }

    @Test("an analysed and decided case: a valid package, one active award to the chosen supplier with the offer's total, the tender complete, no ranking word")
    func decidedCase() async throws {
        try await withTestApp(configure: { $0.settings.ocds = OCDSPublisher(prefix: "ocds-mop123", organisationName: "Mairie de Mopti") }) { client, _ in
            let (id, analysis) = try await ReportTests.analysed(client)
            let names = ReportTests.supplierNames(analysis).compactMap { $0 }
            let chosen = try #require(names.first { $0.uppercased().contains("SAHEL") })
            let decide = try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": chosen, "decision_reason": "Offre conforme, délai 30 jours"])
            #expect(decide.status == .ok, "\(decide.text)")

            let (text, package) = try await Self.package(client, id)
            try Self.expectValid(text, "decided case")
            #expect((package["publisher"] as? [String: Any])?["name"] as? String == "Mairie de Mopti")
            #expect(package["extensions"] as? [String] == [OCDSRelease.bidExtension])
            let release = try Self.release(package)
            #expect(release["ocid"] as? String == "ocds-mop123-\(id)")
            #expect(release["tag"] as? [String] == ["award"])
            #expect((release["buyer"] as? [String: Any])?["name"] as? String == "Mairie de Mopti")
            let tender = try #require(release["tender"] as? [String: Any])
            #expect(tender["status"] as? String == "complete")
            #expect(tender["numberOfTenderers"] as? Int == (analysis["offers"] as? [Any])?.count)
            #expect(Set((tender["tenderers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }) == Set(names))
            #expect((tender["documents"] as? [[String: Any]])?.count == 6, "the DAO and five offer files")
            #expect((tender["awardCriteriaDetails"] as? String)?.contains("points") == true)
            let awards = try #require(release["awards"] as? [[String: Any]])
            #expect(awards.count == 1)
            let award = try #require(awards.first)
            #expect(award["status"] as? String == "active" && award["description"] as? String == "Offre conforme, délai 30 jours")
            let suppliers = try #require(award["suppliers"] as? [[String: Any]])
            #expect(suppliers.count == 1 && suppliers[0]["name"] as? String == chosen)
            let value = try #require(award["value"] as? [String: Any], "SAHEL's total is read with its currency, at high confidence")
            #expect(value["amount"] as? Int == 12_500_000 && value["currency"] as? String == "XOF")
            let decision = try #require(try await client.send(.get, "/api/cases/\(id)").object()["decision"] as? [String: Any])
            #expect(award["date"] as? String == decision["decided_at"] as? String)
            let supplierParties = (release["parties"] as? [[String: Any]] ?? []).filter { ($0["roles"] as? [String])?.contains("supplier") == true }
            #expect(supplierParties.count == 1 && supplierParties.first?["id"] as? String == suppliers[0]["id"] as? String)

            let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            for word in ReportTests.forbidden {
                #expect(!folded.contains(word), "« \(word) » in the OCDS package")
            }

            // The same release in the decided cases' list.
            let list = try await client.send(.get, "/api/ocds/releases")
            #expect(list.status == .ok)
            let page = try list.object()
            let listed = try #require(page["package"] as? [String: Any])
            let data = try JSONSerialization.data(withJSONObject: listed)
            try Self.expectValid(String(decoding: data, as: UTF8.self), "decided cases' list")
            #expect((listed["releases"] as? [[String: Any]])?.map { $0["id"] as? String } == [release["id"] as? String])
        }
    }

    @Test("the releases list: decided cases only, newest decision first, every one once across pages; from/to bound the decision")
    func releasesList() async throws {
        try await withTestApp { client, _ in
            var decided: [String] = []
            for index in 1...5 {
                let id = try #require(try await client.createCase(title: "Achat \(index)", type: index.isMultiple(of: 2) ? "RFQ" : "DAO")["id"] as? String)
                let response = try await client.send(.post, "/api/decide/\(id)", object: ["chosen_supplier": "Fournisseur \(index)", "decision_reason": "Conforme"])
                #expect(response.status == .ok)
                decided.append(id)
            }
            let open = try #require(try await client.createCase(title: "Encore ouvert")["id"] as? String)

            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let response = try await client.send(.get, "/api/ocds/releases?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(response.status == .ok, "\(response.text)")
                let page = try response.object()
                let package = try #require(page["package"] as? [String: Any])
                try Self.expectValid(String(decoding: try JSONSerialization.data(withJSONObject: package), as: UTF8.self), "page \(pages + 1)")
                let releases = try #require(package["releases"] as? [[String: Any]])
                #expect(releases.count <= 2)
                seen += releases.compactMap { ($0["ocid"] as? String)?.replacingOccurrences(of: "\(OCDSPublisher.defaultPrefix)-", with: "") }
                #expect(releases.allSatisfy { ($0["awards"] as? [Any])?.count == 1 })
                cursor = page["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == decided.reversed(), "newest decision first, each once")
            #expect(!seen.contains(open))

            // [from, to): today holds them all; tomorrow on, and before 2000, none (package null).
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            let all = try await client.send(.get, "/api/ocds/releases?from=\(today)&limit=100").object()
            #expect(((all["package"] as? [String: Any])?["releases"] as? [Any])?.count == 5 && all["next_cursor"] is NSNull)
            let tomorrow = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400)).prefix(10))
            for query in ["from=\(tomorrow)", "to=2000-01-01", "from=\(today)&to=\(today)"] {
                let none = try await client.send(.get, "/api/ocds/releases?\(query)")
                #expect(none.status == .ok && none.text == #"{"next_cursor":null,"package":null}"#, "\(query): \(none.text)")
            }
        }
    }

    @Test("bad dates, limits and cursors are 422 naming the parameter; an unknown case is 404")
    func badInput() async throws {
        try await withTestApp { client, _ in
            let caseCursor = CaseCursor(createdAt: Timestamp(iso8601: "2026-11-25T17:36:34.727385+00:00"), id: UUID()).token
            for (query, field) in [("from=demain", "from"), ("from=2026-02-30", "from"), ("to=2026-13-01", "to"), ("limit=0", "limit"),
                                   ("limit=101", "limit"), ("limit=abc", "limit"), ("cursor=pas-un-curseur", "cursor"), ("cursor=\(caseCursor)", "cursor")] {
                let response = try await client.send(.get, "/api/ocds/releases?\(query)")
                #expect(response.status == .unprocessableContent && response.errorField == field, "\(query): \(response.status) \(response.text)")
            }
            for path in ["/api/cases/\(UUID().uuidString.lowercased())/ocds", "/api/cases/pas-un-uuid/ocds"] {
                #expect(try await client.send(.get, path).status == .notFound, "\(path)")
            }
            #expect(try await client.send(.post, "/api/ocds/releases").status == .methodNotAllowed)
        }
    }

    @Test("DMS_OCDS_PREFIX and DMS_ORGANISATION_NAME are checked at start")
    func settingsAtStart() throws {
        let database = try DatabaseConfig(url: "postgres://dms@127.0.0.1/dms")
        #expect(throws: Never.self) { try AppConfig(database: database).check() }
        do {
            try AppConfig(database: database, settings: AppSettings(ocds: OCDSPublisher(prefix: "ocds-DMS000"))).check()
            Issue.record("an invalid prefix was accepted")
        } catch {
            #expect(error.message.hasPrefix("DMS_OCDS_PREFIX must be ocds- followed by six lowercase letters or digits"), "\(error.message)")
        }
        #expect(throws: ConfigError.self) { try AppConfig(database: database, settings: AppSettings(ocds: OCDSPublisher(organisationName: " "))).check() }
    }
}
