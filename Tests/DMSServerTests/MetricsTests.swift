import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `scripts/tests/parse_metrics.py` reads a scrape with the reference Prometheus parser; without
/// prometheus_client (scripts/test installs it) the test that needs it is skipped.
let prometheusParserAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import prometheus_client"]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

@Suite("Metrics")
struct MetricsTests {
    static let token = "metrics-token-for-tests-0123456789"

    static func scrape(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.send(.get, "/metrics", headers: [.authorization: "Bearer \(Self.token)"])
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return response.text
    }

    @Test("a request is counted under its route template, a 404 too, an unknown path as unmatched")
    func requestsByRoute() async throws {
        try await withTestApp(configure: { $0.metricsToken = Self.token }) { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            #expect(try await client.send(.get, "/api/cases/\(id)").status == .ok)
            #expect(try await client.send(.get, "/api/cases/\(UUID().uuidString.lowercased())").status == .notFound)
            #expect(try await client.send(.get, "/no/such/page/\(id)").status == .notFound)
            let text = try await Self.scrape(client)
            #expect(text.contains(#"dms_http_requests_total{method="GET",route="/api/cases/{id}",status="200"} 1"#), "\(text)")
            #expect(text.contains(#"dms_http_requests_total{method="GET",route="/api/cases/{id}",status="404"} 1"#))
            #expect(text.contains(#"dms_http_requests_total{method="POST",route="/api/cases",status="201"} 1"#))
            #expect(text.contains(#"dms_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
            #expect(!text.contains(id), "a concrete path leaked into a label")
            #expect(text.contains(#"dms_http_request_duration_seconds_count{method="GET",route="/api/cases/{id}"} 2"#))
            #expect(text.contains(#"dms_http_request_duration_seconds_bucket{method="GET",route="/api/cases/{id}",le="0.001"}"#))
            #expect(text.contains("dms_http_responses_503_total 0"))
            // The database wrapper's figures, at rest between requests.
            #expect(text.contains("dms_db_calls_in_flight 0.0") && text.contains("dms_db_pool_connections_in_use 0.0")
                && text.contains("dms_db_pool_waiting 0.0"), "\(text)")
            #expect(text.contains(#"dms_db_errors_total{kind="unavailable"} 0"#))
            // Read from PostgreSQL for this scrape: the case's creation is one event.
            let events = try #require(text.split(separator: "\n").first { $0.hasPrefix("dms_events_appended_total ") })
            #expect((Int(events.split(separator: " ")[1]) ?? 0) >= 1)
            #expect(text.contains("# TYPE dms_checkpoint_age_seconds gauge"))
            // The scrape itself is counted under its own route, once it has answered.
            #expect(try await Self.scrape(client).contains(#"dms_http_requests_total{method="GET",route="/metrics",status="200"} 1"#))
        }
    }

    @Test("uploaded bytes and analyses are measured")
    func uploadsAndAnalyses() async throws {
        try await withTestApp(configure: { $0.metricsToken = Self.token }) { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let file = SampleFiles.pdf("Soumissionnaire : Ets Diallo\nMontant total : 1 000 000 FCFA")
            #expect(try await client.upload(MultipartBody(file: file, filename: "offre.pdf"), case: id).status == .created)
            // The same bytes again store nothing new.
            #expect(try await client.upload(MultipartBody(file: file, filename: "offre.pdf"), case: id).status == .ok)
            #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok)
            let text = try await Self.scrape(client)
            #expect(text.contains("dms_upload_bytes_total \(file.count)"), "\(text)")
            #expect(text.contains("dms_analysis_duration_seconds_count 1"))
            #expect(text.contains(#"dms_analysis_duration_seconds_bucket{le="10.0"} 1"#))
        }
    }

    @Test("a real scrape parses with Prometheus' own parser and holds the known sample",
          .enabled(if: prometheusParserAvailable, "python3 with prometheus_client not found (python3 -m pip install --user prometheus_client)"))
    func parsesAsPrometheusText() async throws {
        try await withTestApp(configure: { $0.metricsToken = Self.token }) { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            #expect(try await client.send(.get, "/api/cases/\(id)").status == .ok)
            let (status, output) = try runPythonScript("scripts/tests/parse_metrics.py", input: try await Self.scrape(client))
            #expect(status == 0, "\(output)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let families = try #require(summary["families"] as? [String: [String: Any]])
            let requests = try #require(families["dms_http_requests"])
            #expect(requests["type"] as? String == "counter")
            let samples = try #require(requests["samples"] as? [[String: Any]])
            let known = samples.first { sample in
                sample["name"] as? String == "dms_http_requests_total"
                    && sample["labels"] as? [String: String] == ["method": "GET", "route": "/api/cases/{id}", "status": "200"]
            }
            #expect((known?["value"] as? NSNumber)?.doubleValue == 1, "\(samples)")
            #expect(families["dms_http_request_duration_seconds"]?["type"] as? String == "histogram")
            #expect(families["dms_db_pool_connections_in_use"]?["type"] as? String == "gauge")
            #expect(families["dms_events_appended"]?["type"] as? String == "counter")
            #expect((families["dms_http_requests"]?["help"] as? String)?.isEmpty == false)
        }
    }

    @Test("without DMS_METRICS_TOKEN /metrics is off: 404, whatever is sent")
    func offWithoutToken() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.get, "/metrics", headers: [.authorization: "Bearer \(Self.token)"])
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test("a missing or wrong token is 401; the right one needs no account")
    func tokenChecked() async throws {
        try await withTestApp(configure: { $0.metricsToken = Self.token; $0.auth = .on }) { client, _ in
            let missing = try await client.send(.get, "/metrics")
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await client.send(.get, "/metrics", headers: [.authorization: "Bearer \(Self.token)x"]).status == .unauthorized)
            #expect(try await client.send(.get, "/metrics", headers: [.authorization: "Basic \(Self.token)"]).status == .unauthorized)
            // An account's bearer token is not the metrics token, and the metrics token opens nothing else.
            #expect(try await client.send(.get, "/api/cases", headers: [.authorization: "Bearer \(Self.token)"]).status == .unauthorized)
            let text = try await Self.scrape(client)
            #expect(text.contains(#"dms_http_requests_total{method="GET",route="/metrics",status="401"} 3"#), "\(text)")
        }
    }

    @Test("a metrics token shorter than 16 characters stops the start with one line")
    func shortTokenRefused() throws {
        var config = AppConfig(database: try DatabaseConfig(url: "postgres://dms@127.0.0.1:5432/dms?sslmode=disable"))
        config.metricsToken = "too-short"
        #expect(throws: ConfigError.self) { try config.check() }
        do {
            try config.check()
        } catch {
            #expect(error.message.hasPrefix("DMS_METRICS_TOKEN must be at least 16") && !error.message.contains("\n"))
        }
        config.metricsToken = "sixteen chars ok"  // a space is not sendable as is
        #expect(throws: ConfigError.self) { try config.check() }
        config.metricsToken = String(repeating: "k", count: 16)
        #expect(throws: Never.self) { try config.check() }
    }
}
