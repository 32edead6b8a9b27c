import DMSServer
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The market pages as a browser uses them (forms, `+` for spaces, roles).
@Suite("Market pages: survey, validation queue, prices")
struct MarketPagesTests {
    @Test("a survey from the phone form; a misspelt item keeps what was typed and names the closest entries; an admin validates; the prices page shows it")
    func survey() async throws {
        try await withTestApp(configure: WebPagesTests.authOn) { client, database in
            let agent = try await seedUser(database, email: "agent@dms.test", name: "Awa Agent", roles: ["agent"])
            let admin = try await seedUser(database, email: "admin@dms.test", name: "Ada Admin", roles: ["admin"])
            let session = try await WebPagesTests.signIn(client, agent)
            let form = try await client.execute(uri: "/marche/releve", method: .get, headers: session.cookie, body: nil)
            #expect(form.status == .ok && String(buffer: form.body).contains("Relevé de prix"))
            let refused = try await WebPagesTests.post(client, "/marche/releve",
                "_csrf=\(session.csrf)&item=Cimment&unit=sac+50+kg&unit_price=4+750&place=Segou&observed_on=\(Self.yesterday)", session.cookie)
            let page = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && page.contains("Ciment CPA 42.5") && page.contains("value=\"4 750\""), "\(page.prefix(300))")
            let saved = try await WebPagesTests.post(client, "/marche/releve",
                "_csrf=\(session.csrf)&item=ciment+cpa42%2C5&unit=sac+50+kg&unit_price=4+750&place=Segou&observed_on=\(Self.yesterday)", session.cookie)
            #expect(saved.status == .seeOther && saved.headers[.location] == "/marche/releve?ok=1")
            #expect(try await WebPagesTests.post(client, "/marche/releve", "item=x", session.cookie).status == .forbidden)  // no CSRF token

            // The agent sees the queue but has no review buttons; the admin validates.
            let agentQueue = String(buffer: try await client.execute(uri: "/marche/validation", method: .get, headers: session.cookie, body: nil).body)
            #expect(agentQueue.contains("Ciment CPA 42.5") && !agentQueue.contains("Valider la sélection"))
            let adminSession = try await WebPagesTests.signIn(client, admin)
            let queue = String(buffer: try await client.execute(uri: "/marche/validation", method: .get, headers: adminSession.cookie, body: nil).body)
            let id = try #require(queue.range(of: #"name="ids" value=""#).map { String(queue[$0.upperBound...].prefix(36)) })
            let validated = try await WebPagesTests.post(client, "/marche/validation", "_csrf=\(adminSession.csrf)&action=validate&ids=\(id)", adminSession.cookie)
            #expect(validated.status == .seeOther, "\(String(buffer: validated.body).prefix(300))")
            let noReason = try await WebPagesTests.post(client, "/marche/validation", "_csrf=\(adminSession.csrf)&action=reject&ids=\(id)", adminSession.cookie)
            #expect(noReason.status == .unprocessableContent)

            // A GET form sends spaces as `+`.
            let prices = try await client.execute(uri: "/marche?article=Ciment+CPA+42.5&lieu=S%C3%A9gou&par=month", method: .get, headers: session.cookie, body: nil)
            let html = String(buffer: prices.body)
            #expect(prices.status == .ok && html.contains("value=\"Ciment CPA 42.5\"") && html.contains("<svg") && html.contains("<td class=\"num\">1</td>"),
                    "\(html.prefix(500))")
            let unknown = try await client.execute(uri: "/marche?article=zzzz", method: .get, headers: session.cookie, body: nil)
            #expect(unknown.status == .ok && String(buffer: unknown.body).contains("inconnu"))
            let search = try await client.execute(uri: "/recherche?q=fourniture+ciment", method: .get, headers: session.cookie, body: nil)
            #expect(String(buffer: search.body).contains("value=\"fourniture ciment\""))
        }
    }

    static var yesterday: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(-86_400))
        return String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
    }
}
