import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("Database outages")
struct AvailabilityTests {
    @Test("with the database unreachable, requests get a JSON 503 at the deadline, never a hang, and health says unavailable")
    func unreachable() async throws {
        // Nothing listens on port 1: connections are refused at once.
        let nowhere = DatabaseConfig(host: "127.0.0.1", port: 1, username: "dms", password: "secret", database: "dms", sslMode: .disable)
        try await runApp(on: nowhere, configure: { config in
            config.migrateOnStart = false
            config.pool = PoolSettings()  // the production defaults: 4 s deadline, 3 s connect timeout
        }) { client in
            let clock = ContinuousClock()
            for (method, path, body) in [(HTTPRequest.Method.get, "/api/health", nil), (.post, "/api/cases", #"{"case_type":"DAO","title":"x"}"#),
                                         (.get, "/api/cases", nil)] as [(HTTPRequest.Method, String, String?)] {
                let start = clock.now
                let response = try await client.send(method, path, json: body)
                // The 3 s deadline answers; how fast exactly is measured by scripts/faults (the
                // whole suite shares two cores here, so a timer can fire a second or two late).
                // What this catches is a request that waits for the database without an end.
                #expect(clock.now - start < .seconds(10))
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(response.headers[.retryAfter] == "5")
                #expect(!response.text.contains("secret"))
                if path == "/api/health" {
                    #expect(try response.object()["database"] as? String == "unavailable")
                } else {
                    #expect(response.errorCode == "database_unavailable")
                }
            }
        }
    }

    @Test("when PostgreSQL drops every connection, the same process serves again without a restart")
    func recovers() async throws {
        try await withTestApp { client, config in
            _ = try await client.createCase(title: "Avant")
            try await TestDatabase.withConnection(try TestDatabase.adminConfig()) { admin in
                let rows = try await admin.query("""
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = \(config.database)
                    """, logger: TestDatabase.logger)
                for try await killed in rows.decode(Int.self) { #expect(killed >= 1) }
            }
            // Each pooled connection notices its death on first use (503); fresh ones then serve.
            var statuses: [Int] = []
            for attempt in 0..<10 {
                let response = try await client.send(.post, "/api/cases", json: #"{"case_type":"DAO","title":"Après \#(attempt)"}"#)
                statuses.append(response.status.code)
                if response.status == .created { break }
            }
            #expect(statuses.last == 201, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 503 }, "\(statuses)")
        }
    }

    @Test("data survives a restart of the service")
    func restart() async throws {
        try await TestDatabase.withFresh { config in
            let box = IDBox()
            try await runApp(on: config) { client in
                let id = try #require(try await client.createCase(title: "Persistant")["id"] as? String)
                try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
                await box.set(id)
            }
            let id = try #require(await box.value)
            try await runApp(on: config) { client in
                let body = try await client.send(.get, "/api/cases/\(id)").object()
                #expect(body["status"] as? String == "decided")
                #expect((body["events"] as? [Any])?.count == 2)
            }
        }
    }
}

actor IDBox {
    var value: String?
    func set(_ value: String) { self.value = value }
}
