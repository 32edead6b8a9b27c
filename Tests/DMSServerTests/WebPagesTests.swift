import DMSServer
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The French pages, through the router, with accounts on.
@Suite("Web pages")
struct WebPagesTests {
    static func authOn(_ config: inout AppConfig) { config.auth = .on }

    /// Signs in through the form; returns the cookie header and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol, _ user: SeededUser) async throws -> (cookie: HTTPFields, csrf: String) {
        let response = try await client.execute(uri: "/connexion", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "email=\(user.email)&password=\(user.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
        guard response.status == .seeOther, let setCookie = response.headers[.setCookie] else { throw TestSetupError("sign-in: \(response.status)") }
        let cookie: HTTPFields = [.cookie: String(setCookie.prefix { $0 != ";" })]
        let page = try await client.execute(uri: "/dossiers/nouveau", method: .get, headers: cookie, body: nil)
        let html = String(buffer: page.body)
        guard let range = html.range(of: #"name="_csrf" value=""#) else { throw TestSetupError("no CSRF field") }
        let csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ form: String, _ cookie: HTTPFields) async throws -> TestResponse {
        var headers = cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    @Test("signed out, every page redirects to /connexion; the sign-in page is French, accessible and says a failed sign-in")
    func signedOut() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            for path in ["/", "/dossiers/nouveau", "/dossiers/\(UUID().uuidString)", "/recherche?q=ciment"] {
                let response = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
                #expect(response.status == .seeOther && response.headers[.location] == "/connexion", "\(path)")
            }
            let page = try await client.execute(uri: "/connexion", method: .get, headers: [:], body: nil)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains(#"<html lang="fr">"#) && html.contains(#"<label for="email">"#))
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            _ = try await seedUser(database, email: "awa@dms.test", name: "Awa", roles: ["agent"])
            let failed = try await Self.post(client, "/connexion", "email=awa%40dms.test&password=faux", [:])
            let failedHTML = String(buffer: failed.body)
            #expect(failed.status == .unauthorized && failedHTML.contains("Adresse e-mail ou mot de passe incorrect"))
            #expect(failedHTML.contains(#"value="awa@dms.test""#), "the e-mail is kept")
            #expect(try await client.execute(uri: "/static/dms.css", method: .get, headers: [:], body: nil).status == .ok)
        }
    }

    @Test("create a case from the form: CSRF required, errors beside the field with what was typed, then post/redirect/get")
    func createCase() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let agent = try await seedUser(database, email: "awa@dms.test", name: "Awa Traoré", roles: ["agent"])
            let (cookie, csrf) = try await Self.signIn(client, agent)
            let noToken = try await Self.post(client, "/dossiers", "case_type=DAO&title=Ciment", cookie)
            #expect(noToken.status == .forbidden && String(buffer: noToken.body).contains("anti-falsification"))
            let invalid = try await Self.post(client, "/dossiers", "_csrf=\(csrf)&case_type=DAO&title=&lot=Lot+%C2%AB+2+%C2%BB", cookie)
            let invalidHTML = String(buffer: invalid.body)
            #expect(invalid.status == .unprocessableContent && invalidHTML.contains("field-error") && invalidHTML.contains("Lot « 2 »"))
            let hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            let created = try await Self.post(client, "/dossiers", "_csrf=\(csrf)&case_type=DAO&title=\(hostile)&lot=", cookie)
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            #expect(location.hasPrefix("/dossiers/"))
            let page = try await client.execute(uri: location, method: .get, headers: cookie, body: nil)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("Dossier créé."))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert(1)"), "escaped")
            let list = String(buffer: try await client.execute(uri: "/", method: .get, headers: cookie, body: nil).body)
            #expect(list.contains("&lt;script&gt;alert(1)"))
        }
    }

    @Test("the case journey through forms: upload, analyse, correct, issue, committee, declare, decide, search; roles say 403 in French")
    func journey() async throws {
        try await withTestApp(configure: Self.authOn) { client, database in
            let agent = try await seedUser(database, email: "awa@dms.test", name: "Awa Traoré", roles: ["agent"])
            let president = try await seedUser(database, email: "moussa@dms.test", name: "Moussa Keïta", roles: ["comite"])
            let rapporteur = try await seedUser(database, email: "fatou@dms.test", name: "Fatoumata Diarra", roles: ["comite"])
            let membre = try await seedUser(database, email: "ibra@dms.test", name: "Ibrahim Sangaré", roles: ["comite"])
            var (cookie, csrf) = try await Self.signIn(client, agent)
            let created = try await Self.post(client, "/dossiers", "_csrf=\(csrf)&case_type=DAO&title=Fourniture+de+ciment+Mopti&lot=", cookie)
            let path = try #require(created.headers[.location]?.split(separator: "?").first.map(String.init))
            // Upload the fixtures as a browser does (multipart), CSRF in the action.
            var dao = MultipartBody()
            dao.add(try SharedFixtures.data("dossier_AO_2026-017.docx"), filename: "dossier_AO_2026-017.docx")
            var headers = dao.headers
            headers[.cookie] = cookie[.cookie]
            let uploaded = try await client.execute(uri: "\(path)/documents?type=dao&_csrf=\(csrf)", method: .post, headers: headers, body: dao.buffer)
            #expect(uploaded.status == .seeOther, "\(uploaded.text)")
            var offers = MultipartBody()
            for name in ["offre_finale_v2.docx", "scan_0003.docx", "scan_0004.pdf"] { offers.add(try SharedFixtures.data(name), filename: name) }
            headers = offers.headers
            headers[.cookie] = cookie[.cookie]
            #expect(try await client.execute(uri: "\(path)/documents?type=offer&_csrf=\(csrf)", method: .post, headers: headers, body: offers.buffer).status == .seeOther)
            #expect(try await Self.post(client, "\(path)/analyse", "_csrf=\(csrf)", cookie).status == .seeOther)
            var html = String(buffer: try await client.execute(uri: path, method: .get, headers: cookie, body: nil).body)
            #expect(html.contains("REVUE MANUELLE") && html.contains("conf-high") && html.contains("sûr"))
            // French formats: « 29 novembre 2026 à 9 h 31 », « 12 500 000 FCFA » with narrow no-break spaces, « 30 jours ».
            #expect(html.range(of: #"\d{1,2}\s(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} à \d{1,2}\u00A0h\u00A0\d{2}"#,
                               options: .regularExpression) != nil)
            #expect(html.contains("\u{202F}000\u{202F}FCFA") || html.contains("\u{202F}FCFA"))
            #expect(html.range(of: #"\d+ jours"#, options: .regularExpression) != nil)
            // The first supplier of the correction form (the page has other pick lists).
            let form = try #require(html.range(of: #"name="supplier_key">"#))
            let key = try #require(html.range(of: #"<option value=""#, range: form.upperBound..<html.endIndex)
                .map { String(html[$0.upperBound...].prefix { $0 != "\"" }) })
            let bad = try await Self.post(client, "\(path)/corrections", "_csrf=\(csrf)&supplier_key=\(key)&field=delivery_days&value=21&reason=", cookie)
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("reason"))
            #expect(try await Self.post(client, "\(path)/corrections", "_csrf=\(csrf)&supplier_key=\(key)&field=delivery_days&value=21&reason=Lettre+du+4%2F11", cookie).status == .seeOther)
            #expect(try await Self.post(client, "\(path)/rapports", "_csrf=\(csrf)&kind=cba", cookie).status == .seeOther)
            let members = "moussa%40dms.test+president%0Afatou%40dms.test+rapporteur%0Aibra%40dms.test+membre"
            #expect(try await Self.post(client, "\(path)/comite", "_csrf=\(csrf)&members=\(members)", cookie).status == .seeOther)
            html = String(buffer: try await client.execute(uri: path, method: .get, headers: cookie, body: nil).body)
            #expect(html.contains("corrigé par Awa Traoré") && html.contains("Télécharger") && html.contains("Moussa Keïta"))
            // The agent may not decide: a French 403.
            let refused = try await Self.post(client, "\(path)/decision", "_csrf=\(csrf)&chosen_supplier=X&decision_reason=Y", cookie)
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("réservée au rôle comite"))
            // Each member declares, then the president decides with the quorum.
            var presentIDs: [String] = []
            for member in [president, rapporteur, membre] {
                (cookie, csrf) = try await Self.signIn(client, member)
                #expect(try await Self.post(client, "\(path)/comite/declaration", "_csrf=\(csrf)&no_conflict=true", cookie).status == .seeOther)
                presentIDs.append(member.id)
            }
            (cookie, csrf) = try await Self.signIn(client, president)
            html = String(buffer: try await client.execute(uri: path, method: .get, headers: cookie, body: nil).body)
            let escaped = try #require(html.range(of: #"<select id="dec-fournisseur" name="chosen_supplier" required><option value="">— choisir —</option><option>"#)
                .map { String(html[$0.upperBound...].prefix { $0 != "<" }) })
            // What a browser sends: the option's text, entities decoded.
            let supplier = escaped.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            let present = presentIDs.map { "present=\($0)" }.joined(separator: "&")
            let decided = try await Self.post(client, "\(path)/decision",
                                              "_csrf=\(csrf)&chosen_supplier=\(supplier.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&decision_reason=Offre+conforme&\(present)", cookie)
            #expect(decided.status == .seeOther, "\(decided.text.components(separatedBy: "field-error").dropFirst().first?.prefix(300) ?? "")")
            html = String(buffer: try await client.execute(uri: path, method: .get, headers: cookie, body: nil).body)
            #expect(html.contains("Décision enregistrée") && html.contains("présent"))
            let search = String(buffer: try await client.execute(uri: "/recherche?q=ciment", method: .get, headers: cookie, body: nil).body)
            #expect(search.contains("Fourniture de ciment Mopti"))
            #expect(html.utf8.count < 100_000, "a page stays under 100 KB")
        }
    }
}
