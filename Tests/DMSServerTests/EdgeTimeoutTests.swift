#if canImport(Glibc)
@testable import DMSServer
import DMSStore
import DMSTestSupport
import Foundation
import Glibc
import HTTPTypes
import NIOCore
import PostgresNIO
import Testing

/// Slow, idle and too many clients, over real sockets, with small limits so the suite stays fast:
/// headers within 1 s, idle connections kept 3 s, bodies at ≥ 1 KB/s judged over 1 s windows. The
/// application runs without the live test client (`StoppableApp`): that client connects at start
/// and sends nothing until asked, which the header timeout closes under it, and it would hold a
/// place under the cap.
@Suite("connection timeouts and the connection cap")
struct EdgeTimeoutTests {
    static func fast(_ config: inout AppConfig) {
        config.edge.headerTimeoutSeconds = 1
        config.edge.idleTimeoutSeconds = 3
        config.edge.bodyRateWindowSeconds = 1
        config.edge.bodyMinBytesPerSecond = 1024
    }

    static let health = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    @Test("300 connections trickling their headers are closed after the header timeout, while other clients are answered")
    func slowloris() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let port = app.port
            // What "quickly" means on this machine now: the slowest of five health checks before.
            var usual: TimeInterval = 0
            for _ in 0..<5 { usual = max(usual, await onThread { Self.exchange(port: port, Self.health) }.seconds) }
            let slack = max(3, 10 * usual)
            let (opened, signal) = AsyncStream.makeStream(of: Void.self)
            async let trickled = onThread {
                Self.trickle(port: port, connections: 300, every: 0.25, limit: 10, opened: { signal.finish() })
            }
            for await _ in opened {}
            // Fresh connections while the 300 are open (they are for at least the 1 s timeout).
            var answers: [(status: Int?, seconds: TimeInterval)] = []
            for _ in 0..<8 {
                let answer = await onThread { Self.exchange(port: port, Self.health) }
                answers.append((answer.response?.status, answer.seconds))
                try await Task.sleep(for: .milliseconds(100))
            }
            let closedAfter = await trickled

            #expect(closedAfter.count == 300)
            let open = closedAfter.filter { $0 == nil }.count
            #expect(open == 0, "\(open) trickling connections still open 10 s after they started")
            let times = closedAfter.compactMap { $0 }
            if let first = times.min(), let last = times.max() {
                #expect(first >= 0.9, "a trickling connection was closed \(first) s after its connect, before the 1 s timeout")
                #expect(last < 1 + slack, "the last trickling connection was closed \(last) s after its connect (timeout 1 s)")
            }
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers)")
            let slowest = answers.map(\.seconds).max() ?? 0
            #expect(slowest < slack, "a health check took \(slowest) s beside the trickling connections (\(usual) s before them)")
        }
    }

    @Test("a connection that sends nothing is closed after the header timeout")
    func silentConnection() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let port = app.port
            let closedAfter = await onThread { () -> TimeInterval? in
                guard let socket = try? RawSocket(port: port) else { return nil }
                return socket.waitClosed(limit: 10).map { $0.timeIntervalSince(socket.opened) }
            }
            let seconds = try #require(closedAfter, "a silent connection was still open after 10 s")
            #expect(seconds >= 0.9 && seconds < 5, "closed after \(seconds) s (timeout 1 s)")
        }
    }

    @Test("an idle keep-alive connection closes after the idle timeout; one in use stays open")
    func idleConnection() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let port = app.port
            async let idle = onThread { () -> (status: Int?, closedAfter: TimeInterval?) in
                guard let socket = try? RawSocket(port: port), socket.send(Self.health) else { return (nil, nil) }
                let status = socket.readResponse()?.status
                let answered = Date()
                return (status, socket.waitClosed(limit: 12).map { $0.timeIntervalSince(answered) })
            }
            // Requests 1.5 s apart on one connection: longer than the header timeout, shorter than
            // the idle one; 4.5 s in all, longer than either.
            let used = await onThread { () -> [Int] in
                guard let socket = try? RawSocket(port: port) else { return [] }
                var statuses: [Int] = []
                for round in 0..<4 {
                    if round > 0 { Thread.sleep(forTimeInterval: 1.5) }
                    guard socket.send(Self.health), let response = socket.readResponse() else { break }
                    statuses.append(response.status)
                }
                return statuses
            }
            let (status, closedAfter) = await idle

            #expect(status == 200)
            let seconds = try #require(closedAfter, "an idle connection was still open 12 s after its answer (idle timeout 3 s)")
            #expect(seconds >= 2.8 && seconds < 8, "closed \(seconds) s after its answer (idle timeout 3 s)")
            #expect(used == [200, 200, 200, 200], "a connection in use was cut: \(used)")
        }
    }

    @Test("a slow but live upload (64 KB at 16 KB/s) is stored; a body that stops is closed")
    func slowBody() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let (port, config) = (app.port, app.database)
            let id = try await Self.createCase(port: port)

            let slow = Self.upload(case: id, file: Self.pdf(kilobytes: 64))
            let started = Date()
            let response = await onThread { Self.slowUpload(port: port, slow, bytesPerSecond: 16 << 10) }
            let took = Date().timeIntervalSince(started)
            #expect(response?.status == 201, "\(response?.head ?? "no answer") \(String(decoding: response?.body ?? Data(), as: UTF8.self))")
            #expect(took > 3.5, "the upload took \(took) s: not slower than the 1 s window")

            let stalled = Self.upload(case: id, file: Self.pdf(kilobytes: 64))
            let closedAfter = await onThread { () -> TimeInterval? in
                guard let socket = try? RawSocket(port: port), socket.send(stalled.head), socket.send(stalled.body.prefix(10 << 10)) else { return nil }
                let sent = Date()
                return socket.waitClosed(limit: 12).map { $0.timeIntervalSince(sent) }
            }
            // The 10 KB carry the first window (≥ 1 KB/s); the second has nothing.
            let seconds = try #require(closedAfter, "a body stalled for 12 s was still open")
            #expect(seconds >= 0.9 && seconds < 6, "closed \(seconds) s after the body stopped (window 1 s)")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 1)
        }
    }

    @Test("the server's own time is not the client's: an answer held 4 s by a locked table after the body arrived")
    func slowAnswer() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let (port, config) = (app.port, app.database)
            let id = try await Self.createCase(port: port)
            let upload = Self.upload(case: id, file: Self.pdf(kilobytes: 16))
            let (status, seconds) = try await Self.whileLocked("documents", config) {
                await onThread { Self.timedExchange(port: port, upload) }
            }
            #expect(status == 201)
            #expect(seconds >= 3.5, "answered after \(seconds) s: the lock did not hold it")
        }
    }

    @Test("the server's own time is not the client's: a 2 MB body left unread while authentication waits 4 s on a locked table")
    func unreadBody() async throws {
        try await StoppableApp.run(configure: { Self.fast(&$0); $0.auth = .on }) { app in
            let (port, config) = (app.port, app.database)
            let agent = try await seedUser(config, email: "agent@dms.test", name: "Awa Agent", roles: ["agent"])
            let id = try await Self.createCase(port: port, headers: "Authorization: Bearer \(agent.token)\r\n")
            let upload = Self.upload(case: id, file: Self.pdf(kilobytes: 2048), headers: "Authorization: Bearer \(agent.token)\r\n")
            let (status, seconds) = try await Self.whileLocked("api_tokens", config) {
                await onThread { Self.timedExchange(port: port, upload) }
            }
            #expect(status == 201)
            #expect(seconds >= 3.5, "answered after \(seconds) s: the lock did not hold it")
        }
    }

    @Test("beyond DMS_MAX_CONNECTIONS a new connection gets a fast 503 and is closed; once some close, new ones are served")
    func connectionCap() async throws {
        try await StoppableApp.run(configure: { $0.edge.maxConnections = 20 }) { app in
            let port = app.port
            let outcome = await onThread { () -> CapOutcome in
                var outcome = CapOutcome()
                var held: [RawSocket] = []
                for _ in 0..<20 {
                    guard let socket = try? RawSocket(port: port), socket.send(Self.health) else { break }
                    outcome.served.append(socket.readResponse()?.status)
                    held.append(socket)
                }
                outcome.refused = Self.refusal(port: port)
                for socket in held.prefix(5) { socket.close() }
                held.removeFirst(5)
                // The server notices the five closes on its own time: poll for each freed place.
                for _ in 0..<5 {
                    let deadline = Date().addingTimeInterval(5)
                    var status: Int?
                    while status != 200, Date() < deadline {
                        guard let socket = try? RawSocket(port: port), socket.send(Self.health) else { break }
                        status = socket.readResponse()?.status
                        if status == 200 { held.append(socket) }
                    }
                    outcome.servedAgain.append(status)
                }
                outcome.refusedAgain = Self.refusal(port: port)?.response.status
                return outcome
            }

            #expect(outcome.served == Array(repeating: 200, count: 20))
            let refused = try #require(outcome.refused, "the 21st connection got no answer")
            #expect(refused.response.status == 503)
            #expect(refused.seconds < 2, "the 503 took \(refused.seconds) s")
            #expect(refused.response.header("Retry-After") != nil)
            #expect(refused.response.header("Connection")?.lowercased() == "close")
            #expect(refused.response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect((refused.response.json?["error"] as? [String: Any])?["code"] as? String == "too_many_connections")
            #expect(refused.closed, "the refused connection stayed open")
            #expect(outcome.servedAgain == Array(repeating: 200, count: 5))
            #expect(outcome.refusedAgain == 503)
        }
    }

    @Test("at the cap, a flood of half-open connections does not lock live clients out: the oldest header-less one makes room")
    func capEvictsHeaderless() async throws {
        // A header timeout far longer than the test: only the eviction can free places.
        try await StoppableApp.run(configure: { $0.edge.maxConnections = 20; $0.edge.headerTimeoutSeconds = 60 }) { app in
            let port = app.port
            let outcome = await onThread { () -> (statuses: [Int?], closed: Int) in
                var halfOpen: [RawSocket] = []
                for _ in 0..<20 {
                    guard let socket = try? RawSocket(port: port), socket.send("GET /api/health HTTP/1.1\r\nHo") else { break }
                    halfOpen.append(socket)
                }
                var statuses: [Int?] = []
                for _ in 0..<3 {
                    guard let socket = try? RawSocket(port: port), socket.send(Self.health) else { statuses.append(nil); continue }
                    statuses.append(socket.readResponse()?.status)
                }
                // Each live client that found the count full made room by closing a half-open one (a live
                // client that has left frees its own place, so fewer than three may have been needed).
                let closed = halfOpen.filter { $0.waitClosed(limit: 0.2) != nil }.count
                return (statuses, closed)
            }
            #expect(outcome.statuses == [200, 200, 200], "live clients beside 20 half-open connections: \(outcome.statuses)")
            #expect((1...3).contains(outcome.closed), "\(outcome.closed) half-open connection(s) closed to make room")
        }
    }

    @Test("a request in progress when the service is asked to stop still completes; then the service stops")
    func gracefulShutdownDrains() async throws {
        try await StoppableApp.run(configure: Self.fast) { app in
            let port = app.port
            let id = try await Self.createCase(port: port)
            let upload = Self.upload(case: id, file: Self.pdf(kilobytes: 64))
            let (halfway, signal) = AsyncStream.makeStream(of: Void.self)
            async let response = onThread { Self.slowUpload(port: port, upload, bytesPerSecond: 32 << 10, halfway: { signal.finish() }) }
            for await _ in halfway {}
            await app.beginShutdown()
            let refusedAfter = await onThread { () -> Bool in
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline {
                    if (try? RawSocket(port: port)) == nil { return true }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return false
            }
            let answer = await response

            #expect(answer?.status == 201, "\(answer?.head ?? "no answer")")
            #expect(refusedAfter, "new connections were still accepted 5 s after the shutdown began")
            #expect(try await TestDatabase.integer(app.database, "SELECT count(*) FROM documents") == 1)
        }
    }

    // MARK: - helpers

    struct CapOutcome: Sendable {
        var served: [Int?] = []
        var refused: (response: RawResponse, seconds: TimeInterval, closed: Bool)?
        var servedAgain: [Int?] = []
        var refusedAgain: Int?
    }

    /// A connection over the cap: its answer, how fast it came, whether the server then closed it.
    static func refusal(port: Int) -> (response: RawResponse, seconds: TimeInterval, closed: Bool)? {
        guard let socket = try? RawSocket(port: port) else { return nil }
        _ = socket.send(Self.health)
        guard let response = socket.readResponse(limit: 5) else { return nil }
        let seconds = Date().timeIntervalSince(socket.opened)
        return (response, seconds, socket.waitClosed(limit: 5) != nil)
    }

    /// A case made over a socket of its own; its id.
    static func createCase(port: Int, headers: String = "") async throws -> String {
        let json = #"{"case_type":"DAO","title":"Liaison lente"}"#
        let request = "POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(json.utf8.count)\r\n\(headers)\r\n\(json)"
        let created = await onThread { Self.exchange(port: port, request) }
        return try #require(created.response?.json?["id"] as? String, "\(created.response?.head ?? "no answer")")
    }

    /// One request on a fresh connection: the answer and how long it took.
    static func exchange(port: Int, _ request: String) -> (response: RawResponse?, seconds: TimeInterval) {
        let started = Date()
        guard let socket = try? RawSocket(port: port), socket.send(request) else { return (nil, Date().timeIntervalSince(started)) }
        return (socket.readResponse(), Date().timeIntervalSince(started))
    }

    /// An upload sent at full speed on a fresh connection: its status and how long the answer took.
    static func timedExchange(port: Int, _ upload: (head: String, body: Data)) -> (status: Int?, seconds: TimeInterval) {
        let started = Date()
        guard let socket = try? RawSocket(port: port), socket.send(upload.head), socket.send(upload.body, limit: 20) else {
            return (nil, Date().timeIntervalSince(started))
        }
        return (socket.readResponse(limit: 20)?.status, Date().timeIntervalSince(started))
    }

    /// Runs `body` while `table` is locked (ACCESS EXCLUSIVE) for 4 s from another connection.
    static func whileLocked<T: Sendable>(_ table: String, _ config: DatabaseConfig, _ body: @escaping @Sendable () async -> T) async throws -> T {
        try await TestDatabase.withConnection(config) { connection in
            try await connection.query("BEGIN", logger: TestDatabase.logger)
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE"), logger: TestDatabase.logger)
            async let result = body()
            try await connection.query("SELECT pg_sleep(4)", logger: TestDatabase.logger)
            try await connection.query("COMMIT", logger: TestDatabase.logger)
            return await result
        }
    }

    /// A PDF as the server recognises one, of random content (each upload a new document).
    static func pdf(kilobytes: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        let middle = Data((0..<(kilobytes << 10)).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) })
        return Data("%PDF-1.4\n%".utf8) + middle + Data("\n%%EOF\n".utf8)
    }

    /// `POST /api/upload/{case}/offer` with one file, split into its head and its body.
    static func upload(case id: String, file: Data, headers: String = "") -> (head: String, body: Data) {
        let multipart = MultipartBody(file: file, filename: "offre.pdf")
        let body = Data(buffer: multipart.buffer)
        let head = "POST /api/upload/\(id)/offer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(multipart.headers[.contentType] ?? "")\r\n"
            + "Content-Length: \(body.count)\r\n\(headers)\r\n"
        return (head, body)
    }

    /// Sends the head at once, then the body at `bytesPerSecond` in 1 KB pieces; the answer.
    static func slowUpload(port: Int, _ upload: (head: String, body: Data), bytesPerSecond: Int,
                           halfway: @Sendable () -> Void = {}) -> RawResponse? {
        guard let socket = try? RawSocket(port: port), socket.send(upload.head) else { return nil }
        let piece = 1024
        let pause = Double(piece) / Double(bytesPerSecond)
        var offset = 0
        var signalled = false
        while offset < upload.body.count {
            let end = min(offset + piece, upload.body.count)
            guard socket.send(upload.body.subdata(in: offset..<end)) else { return nil }
            offset = end
            if !signalled, offset >= upload.body.count / 2 {
                signalled = true
                halfway()
            }
            Thread.sleep(forTimeInterval: pause)
        }
        return socket.readResponse(limit: 20)
    }

    /// `connections` connections that send a request line, then one byte of a header every `every`
    /// seconds, never finishing it. For each: the seconds from its connect to the server's close
    /// (nil: still open after `limit`).
    static func trickle(port: Int, connections: Int, every interval: TimeInterval, limit: TimeInterval,
                        opened: @Sendable () -> Void) -> [TimeInterval?] {
        var sockets: [RawSocket] = []
        for _ in 0..<connections {
            guard let socket = try? RawSocket(port: port) else { break }
            _ = socket.send("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", limit: 1)
            sockets.append(socket)
        }
        opened()
        var closedAfter = [TimeInterval?](repeating: nil, count: sockets.count)
        let deadline = Date().addingTimeInterval(limit)
        var nextByte = Date().addingTimeInterval(interval)
        while Date() < deadline {
            let open = sockets.indices.filter { closedAfter[$0] == nil }
            if open.isEmpty { break }
            var pollers = open.map { pollfd(fd: sockets[$0].fd, events: Int16(POLLIN), revents: 0) }
            _ = poll(&pollers, nfds_t(pollers.count), 20)
            for (slot, index) in open.enumerated() where pollers[slot].revents != 0 && sockets[index].closedNow() {
                closedAfter[index] = Date().timeIntervalSince(sockets[index].opened)
            }
            if Date() >= nextByte {
                for index in open where closedAfter[index] == nil { _ = sockets[index].send("a", limit: 0.05) }
                nextByte += interval
            }
        }
        return closedAfter
    }
}

/// The rules alone, on a made-up clock (limits: header 10 s, idle 60 s, 1 KB/s over 30 s).
@Suite("connection timeout rules")
struct EdgeTimeoutRuleTests {
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func at(_ seconds: Int64) -> NIODeadline { self.t0 + .seconds(seconds) }

    func timeline() -> ConnectionTimeline {
        ConnectionTimeline(limits: EdgeLimits(), acceptedAt: self.t0)
    }

    @Test("a new connection's header clock starts at the accept; a complete head stops it")
    func headerFromAccept() {
        var timeline = self.timeline()
        #expect(timeline.deadline == self.at(10))
        #expect(timeline.expire(at: self.at(9)) == nil)
        timeline.bytesArrived(at: self.at(9))
        #expect(timeline.expire(at: self.at(10)) == .header)
        timeline.requestHead(at: self.at(9))
        #expect(timeline.deadline == nil)
        #expect(timeline.expire(at: self.at(100)) == nil)
    }

    @Test("after an answer the idle clock runs; the next request's first byte starts its header clock")
    func idleThenHeader() {
        var timeline = self.timeline()
        timeline.bytesArrived(at: self.at(1))
        timeline.requestHead(at: self.at(1))
        timeline.requestEnd(at: self.at(1))
        #expect(timeline.expire(at: self.at(200)) == nil)   // the server's time
        timeline.responseEnd(at: self.at(200))
        #expect(timeline.deadline == self.at(260))
        #expect(timeline.expire(at: self.at(259)) == nil)
        timeline.bytesArrived(at: self.at(250))
        #expect(timeline.deadline == self.at(260))          // header: 10 s from the first byte
        #expect(timeline.expire(at: self.at(261)) == .header)
    }

    @Test("a head that arrives while the server still answers is timed from the answer's end")
    func pipelinedHead() {
        var timeline = self.timeline()
        timeline.bytesArrived(at: self.at(0))
        timeline.requestHead(at: self.at(0))
        timeline.requestEnd(at: self.at(0))
        timeline.bytesArrived(at: self.at(1))                // the next request's first bytes
        #expect(timeline.deadline == nil)
        timeline.responseEnd(at: self.at(50))
        #expect(timeline.deadline == self.at(60))
    }

    @Test("the body window counts only the time the server waits for the client")
    func bodyWindow() {
        var timeline = self.timeline()
        timeline.bytesArrived(at: self.at(0))
        timeline.requestHead(at: self.at(0))
        timeline.readRequested(at: self.at(0))
        #expect(timeline.deadline == self.at(30))
        timeline.bytesArrived(at: self.at(10))
        timeline.bodyReceived(100)
        // The application pushes back for 100 s: no read is asked for, no clock runs.
        #expect(timeline.deadline == nil)
        #expect(timeline.expire(at: self.at(110)) == nil)
        timeline.readRequested(at: self.at(110))
        #expect(timeline.deadline == self.at(130))
        #expect(timeline.expire(at: self.at(130)) == .body)  // 100 bytes in 30 s of the client's time
    }

    @Test("a body that keeps 1 KB/s passes window after window; the end of the body stops the clock")
    func liveBody() {
        var timeline = self.timeline()
        timeline.bytesArrived(at: self.at(0))
        timeline.requestHead(at: self.at(0))
        for second in Int64(0)..<90 {
            timeline.readRequested(at: self.at(second))
            if let deadline = timeline.deadline, deadline <= self.at(second) {
                #expect(timeline.expire(at: self.at(second)) == nil)
            }
            timeline.bytesArrived(at: self.at(second + 1))
            timeline.bodyReceived(1100)
        }
        #expect(timeline.expire(at: self.at(90)) == nil)
        timeline.requestEnd(at: self.at(90))
        #expect(timeline.deadline == nil)
    }
}
#endif
