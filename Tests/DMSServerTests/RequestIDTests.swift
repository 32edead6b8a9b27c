import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@Suite("Request ids")
struct RequestIDTests {
    static let requestID = HTTPField.Name("X-Request-Id")!

    @Test("every response carries X-Request-Id, and an error body the same id")
    func requestIDInErrors() async throws {
        try await withTestApp { client, _ in
            let ok = try await client.send(.get, "/api/health")
            #expect(ok.headers[Self.requestID].map(Self.isSafe) == true)
            let missing = try await client.send(.get, "/api/cases/\(UUID().uuidString)")
            #expect(missing.status == .notFound)
            let id = try #require(missing.headers[Self.requestID])
            let error = try #require(try missing.object()["error"] as? [String: Any])
            #expect(error["request_id"] as? String == id)
            #expect(id != ok.headers[Self.requestID])
        }
    }

    @Test("a client's safe X-Request-Id is used; an unsafe one is replaced")
    func clientRequestID() async throws {
        try await withTestApp { client, _ in
            let sent = "req-2026.11_25-ABC"
            let echoed = try await client.send(.get, "/api/cases/not-a-uuid", headers: [Self.requestID: sent])
            #expect(echoed.headers[Self.requestID] == sent)
            #expect((try echoed.object()["error"] as? [String: Any])?["request_id"] as? String == sent)
            for unsafe in ["a b", String(repeating: "a", count: 200), "x\u{00E9}", ""] {
                let answer = try await client.send(.get, "/api/cases/not-a-uuid", headers: [Self.requestID: unsafe])
                let id = try #require(answer.headers[Self.requestID])
                #expect(id != unsafe && Self.isSafe(id))
                #expect((try answer.object()["error"] as? [String: Any])?["request_id"] as? String == id)
            }
        }
    }

    @Test("the access log line names the request id the client sees")
    func accessLogID() async throws {
        let lines = LogCapture()
        var logger = Logger(label: "dms-test") { _ in LogCapture.Handler(capture: lines) }
        logger.logLevel = .info
        try await TestDatabase.withFresh { database in
            try await runApp(on: database, logger: logger) { client in
                let answer = try await client.send(.get, "/api/health", headers: [Self.requestID: "trace-me-42"])
                #expect(answer.headers[Self.requestID] == "trace-me-42")
                let other = try await client.send(.get, "/api/health")
                let generated = try #require(other.headers[Self.requestID])
                let ids = lines.requests.map(\.id)
                #expect(ids.contains("trace-me-42") && ids.contains(generated), "\(lines.requests)")
            }
        }
    }

    @Test("a French error page gives the request id as its reference")
    func errorPageReference() async throws {
        try await withTestApp { client, _ in
            let page = try await client.send(.get, "/dossiers/\(UUID().uuidString)")
            #expect(page.status == .notFound)
            let id = try #require(page.headers[Self.requestID])
            #expect(page.text.contains("Référence : <code>\(id)</code>"), "\(page.text)")
        }
    }

    static func isSafe(_ id: String) -> Bool {
        id.range(of: #"^[A-Za-z0-9._-]{1,64}$"#, options: .regularExpression) != nil
    }
}

/// Keeps the access log's lines (message "request") with their request id.
final class LogCapture: @unchecked Sendable {
    struct Line: Sendable { let id: String; let path: String }
    private let lock = NSLock()
    private var lines: [Line] = []

    var requests: [Line] { self.lock.withLock { self.lines } }

    func add(_ line: Line) { self.lock.withLock { self.lines.append(line) } }

    /// A value, as log handlers must be: each request's logger adds its own id to a copy.
    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.message == "request" else { return }
            let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.capture.add(Line(id: all["hb.request.id"]?.description ?? "", path: all["path"]?.description ?? ""))
        }
    }
}
