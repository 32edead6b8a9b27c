import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The decision provably comes from the committee (SPEC §6).
@Suite("The case committee: members, declarations, quorum")
struct CommitteeTests {
    struct Crew {
        let agent: SeededUser
        let president: SeededUser
        let rapporteur: SeededUser
        let membre: SeededUser
        let observer: SeededUser
        let outsider: SeededUser
    }

    static func crew(_ database: DatabaseConfig) async throws -> Crew {
        Crew(agent: try await seedUser(database, email: "agent@dms.test", name: "Awa Agent", roles: ["agent"]),
             president: try await seedUser(database, email: "president@dms.test", name: "Moussa Keïta", roles: ["comite"]),
             rapporteur: try await seedUser(database, email: "rapporteur@dms.test", name: "Fatoumata Diarra", roles: ["comite"]),
             membre: try await seedUser(database, email: "membre@dms.test", name: "Ibrahim Sangaré", roles: ["comite"]),
             observer: try await seedUser(database, email: "observer@dms.test", name: "Aminata Coulibaly", roles: ["comite"]),
             outsider: try await seedUser(database, email: "outsider@dms.test", name: "Oumar Traoré", roles: ["comite"]))
    }

    /// A case with the fixtures' offers analysed and a committee of four (one observer).
    static func caseWithCommittee(_ client: any TestClientProtocol, _ crew: Crew) async throws -> (id: String, supplier: String) {
        let created = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Ciment Ségou"}"#, headers: crew.agent.bearer)
        let id = try #require(try created.object()["id"] as? String)
        let members = """
            {"members":[{"user_id":"\(crew.president.id)","function":"president"},{"user_id":"\(crew.rapporteur.id)","function":"rapporteur"},
            {"user_id":"\(crew.membre.id)","function":"membre"},{"user_id":"\(crew.observer.id)","function":"observateur"}]}
            """
        let set = try await client.send(.put, "/api/cases/\(id)/committee", json: members, headers: crew.agent.bearer)
        #expect(set.status == .ok, "\(set.text)")
        return (id, "Ets Diallo")
    }

    static func declare(_ client: any TestClientProtocol, _ id: String, _ user: SeededUser, noConflict: Bool = true) async throws -> TestResponse {
        try await client.send(.post, "/api/cases/\(id)/committee/declaration", json: #"{"no_conflict":\#(noConflict),"note":"Aucun lien avec les soumissionnaires"}"#,
                              headers: user.bearer)
    }

    static func decide(_ client: any TestClientProtocol, _ id: String, by user: SeededUser, present: [SeededUser]) async throws -> TestResponse {
        let ids = present.map { "\"\($0.id)\"" }.joined(separator: ",")
        return try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets Diallo","decision_reason":"Offre conforme","present":[\#(ids)]}"#,
                                     headers: user.bearer)
    }

    @Test("with quorum and declarations, a comite member decides; the event and the PV name the committee")
    func decides() async throws {
        try await withTestApp(configure: { $0.auth = .on }) { client, database in
            let crew = try await Self.crew(database)
            let (id, _) = try await Self.caseWithCommittee(client, crew)
            for member in [crew.president, crew.rapporteur, crew.membre] {
                #expect(try await Self.declare(client, id, member).status == .ok)
            }
            #expect(try await Self.declare(client, id, crew.president).status == .conflict, "a declaration is made once")
            #expect(try await Self.declare(client, id, crew.outsider).status == .forbidden, "only members declare")
            let committee = try await client.send(.get, "/api/cases/\(id)/committee", headers: crew.outsider.bearer).object()
            let members = try #require(committee["members"] as? [[String: Any]])
            #expect(members.map { $0["function"] as? String } == ["president", "rapporteur", "membre", "observateur"])
            #expect(members.last?["declaration"] is NSNull)

            let decided = try await Self.decide(client, id, by: crew.rapporteur, present: [crew.president, crew.rapporteur, crew.membre])
            #expect(decided.status == .ok, "\(decided.text)")
            let events = try #require(try decided.object()["events"] as? [[String: Any]])
            let decision = try #require(events.last)
            #expect(decision["type"] as? String == "decision_recorded")
            #expect(decision["actor"] as? String == "Fatoumata Diarra")
            #expect(((decision["payload"] as? [String: Any])?["present"] as? [String])?.count == 3)
            #expect(events.contains { $0["type"] as? String == "committee_set" })
            #expect(events.filter { $0["type"] as? String == "declaration_recorded" }.count == 3)

            let pv = try await client.execute(uri: "/api/download/\(id)/pv?type=analyse", method: .get, headers: crew.agent.bearer, body: nil)
            #expect(pv.status == .ok)
            let document = try WordDocument(Data(buffer: pv.body))
            let table = try #require(document.tables.first { $0.first?.first == "Membre" }, "\(document.tables.map { $0.first ?? [] })")
            #expect(table.contains { $0.contains("Moussa Keïta") && $0.contains("Président") && $0.contains("présent") })
            #expect(table.contains { $0.contains("Aminata Coulibaly") && $0.contains("Observateur") && $0.contains("absent") })
            #expect(table.contains { $0.contains("Fatoumata Diarra") && $0.joined().contains("aucun conflit") })
        }
    }

    @Test("refused with 422 naming what is missing: quorum, undeclared, conflicted, non-member decider, president absent")
    func refusals() async throws {
        try await withTestApp(configure: { $0.auth = .on }) { client, database in
            let crew = try await Self.crew(database)
            let (id, _) = try await Self.caseWithCommittee(client, crew)
            #expect(try await Self.declare(client, id, crew.president).status == .ok)
            #expect(try await Self.declare(client, id, crew.rapporteur).status == .ok)
            // The member has not declared yet.
            var response = try await Self.decide(client, id, by: crew.president, present: [crew.president, crew.rapporteur, crew.membre])
            #expect(response.status == .unprocessableContent && response.errorField == "present")
            #expect(response.text.contains("Ibrahim Sangaré") && response.text.contains("déclaré"))
            // Quorum: two voting members present (the observer does not count).
            #expect(try await Self.declare(client, id, crew.observer).status == .ok)
            response = try await Self.decide(client, id, by: crew.president, present: [crew.president, crew.rapporteur, crew.observer])
            #expect(response.status == .unprocessableContent && response.text.contains("quorum"))
            // A conflicted member cannot take part.
            #expect(try await Self.declare(client, id, crew.membre, noConflict: false).status == .ok)
            response = try await Self.decide(client, id, by: crew.president, present: [crew.president, crew.rapporteur, crew.membre])
            #expect(response.status == .unprocessableContent && response.text.contains("conflit"))
            // A comite account outside the committee cannot decide.
            response = try await Self.decide(client, id, by: crew.outsider, present: [crew.president, crew.rapporteur])
            #expect(response.status == .unprocessableContent && response.text.contains("membre du comité"))
            // The president must be there.
            response = try await Self.decide(client, id, by: crew.rapporteur, present: [crew.rapporteur, crew.observer])
            #expect(response.status == .unprocessableContent)
            // An agent is not a decider at all.
            #expect(try await Self.decide(client, id, by: crew.agent, present: []).status == .forbidden)
            // Nothing was decided.
            let detail = try await client.send(.get, "/api/cases/\(id)", headers: crew.agent.bearer).object()
            #expect(detail["status"] as? String == "open")
            // With a quorum of 2 set for the organisation, president + rapporteur suffice: see decidesWithLowerQuorum.
        }
    }

    @Test("DMS_QUORUM sets the number of voting members required")
    func lowerQuorum() async throws {
        try await withTestApp(configure: { $0.auth = .on; $0.settings.quorum = 2 }) { client, database in
            let crew = try await Self.crew(database)
            let (id, _) = try await Self.caseWithCommittee(client, crew)
            #expect(try await Self.declare(client, id, crew.president).status == .ok)
            #expect(try await Self.declare(client, id, crew.rapporteur).status == .ok)
            #expect(try await Self.decide(client, id, by: crew.president, present: [crew.president, crew.rapporteur]).status == .ok)
        }
    }

    @Test("without a committee any comite account decides; present is then refused; committee input is checked")
    func noCommittee() async throws {
        try await withTestApp(configure: { $0.auth = .on }) { client, database in
            let crew = try await Self.crew(database)
            let created = try await client.send(.post, "/api/cases", json: #"{"case_type":"RFQ","title":"Gasoil"}"#, headers: crew.agent.bearer)
            let id = try #require(try created.object()["id"] as? String)
            let bad = [
                #"{"members":[{"user_id":"pas-un-id","function":"membre"}]}"#,
                #"{"members":[{"user_id":"\#(crew.president.id)","function":"chef"}]}"#,
                #"{"members":[{"user_id":"\#(crew.president.id)","function":"president"},{"user_id":"\#(crew.membre.id)","function":"president"}]}"#,
                #"{"members":[{"user_id":"\#(crew.president.id)","function":"membre"},{"user_id":"\#(crew.president.id)","function":"membre"}]}"#,
                #"{"members":[{"user_id":"\#(UUID().uuidString)","function":"membre"}]}"#,
                #"{}"#,
                #"{"members":[]}"#,
                #"{"members":[{"user_id":"\#(crew.president.id)","function":"membre"}]}"#,
            ]
            for body in bad {
                let response = try await client.send(.put, "/api/cases/\(id)/committee", json: body, headers: crew.agent.bearer)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
            }
            #expect(try await Self.decide(client, id, by: crew.outsider, present: [crew.president]).status == .unprocessableContent)
            #expect(try await Self.decide(client, id, by: crew.outsider, present: []).status == .ok)
            // Decided: the committee no longer changes.
            let late = try await client.send(.put, "/api/cases/\(id)/committee", json: #"{"members":[{"user_id":"\#(crew.president.id)","function":"president"}]}"#,
                                             headers: crew.agent.bearer)
            #expect(late.status == .conflict)
        }
    }
}
