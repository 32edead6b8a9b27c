#if canImport(Glibc)
import DMSTestSupport
import Foundation
import Glibc
import NIOCore
import Testing

/// An upload refused before its body is read, over a raw socket as Python's urllib sends it: the
/// client sends the whole body before reading, so a server that stops reading without closing
/// leaves it blocked in `send`.
@Suite("early error responses close the connection")
struct EarlyCloseTests {
    static let limit: TimeInterval = 10

    @Test("a 30 MB upload gets its 413, then the connection closes", arguments: [
        ("close", false),
        ("keep-alive", false),
        ("close", true),
    ])
    func oversizedUpload(connection: String, chunked: Bool) async throws {
        try await withTestApp(.live) { client, config in
            let port = try #require(client.port)
            let id = try #require(try await client.createCase()["id"] as? String)
            let body = MultipartBody(file: Data(count: 30 << 20), filename: "trop.pdf").buffer
            var request = "POST /api/upload/\(id)/offer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \(connection)\r\n"
                + "Content-Type: \(MultipartBody().headers[.contentType]!)\r\n"
            var payload = Data()
            if chunked {
                request += "Transfer-Encoding: chunked\r\n\r\n"
                var rest = Data(buffer: body)
                while !rest.isEmpty {
                    let chunk = rest.prefix(1 << 16)
                    rest = rest.dropFirst(chunk.count)
                    payload += Data("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Data("\r\n".utf8)
                }
                payload += Data("0\r\n\r\n".utf8)
            } else {
                request += "Content-Length: \(body.readableBytes)\r\n\r\n"
                payload = Data(buffer: body)
            }
            let outcome = try await RawExchange.run(port: port, bytes: Data(request.utf8) + payload, limit: Self.limit)

            #expect(outcome.response.hasPrefix("HTTP/1.1 413"), "\(outcome.response.prefix(200))")
            #expect(outcome.response.lowercased().contains("connection: close"))
            #expect(outcome.send != .timedOut, "the client stayed blocked in send")
            #expect(outcome.receive != .timedOut, "the connection stayed open")
            #expect(outcome.elapsed < Self.limit)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 0)
        }
    }

    @Test("a body declared far over the drain bound is not read: the connection closes at once")
    func hugeDeclaredBody() async throws {
        try await withTestApp(.live) { client, _ in
            let port = try #require(client.port)
            let id = try #require(try await client.createCase()["id"] as? String)
            let request = "POST /api/upload/\(id)/offer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: \(MultipartBody().headers[.contentType]!)\r\nContent-Length: \(4 << 30)\r\n\r\n"
            // Sends 200 MB of the announced 4 GB: the server must cut it short, not read it all.
            let outcome = try await RawExchange.run(port: port, bytes: Data(request.utf8) + Data(count: 200 << 20), limit: Self.limit)
            #expect(outcome.send == .failed, "send: \(outcome.send)")
            #expect(outcome.receive != .timedOut)
            #expect(outcome.elapsed < Self.limit)
        }
    }
}

/// One HTTP exchange over a blocking-free socket, on its own thread: sends `bytes` while reading,
/// until the server closes (or resets) and the sending is over, or `limit` seconds pass.
struct RawExchange: Sendable {
    enum Send: Sendable, Equatable { case completed, failed, timedOut }
    enum Receive: Sendable, Equatable { case closed, reset, timedOut }

    var send: Send
    var receive: Receive
    var response: String
    var elapsed: TimeInterval

    static func run(port: Int, bytes: Data, limit: TimeInterval) async throws -> RawExchange {
        let fd = try connect(port: port)
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: exchange(fd: fd, bytes: bytes, limit: limit))
                close(fd)
            }
            thread.start()
        }
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    private static func exchange(fd: Int32, bytes: Data, limit: TimeInterval) -> RawExchange {
        let start = Date()
        var sent = 0
        var send: Send?
        var receive: Receive?
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while send == nil || receive == nil {
            let remaining = limit - Date().timeIntervalSince(start)
            guard remaining > 0 else { break }
            var events = Int16(POLLIN)
            if send == nil { events |= Int16(POLLOUT) }
            var poller = pollfd(fd: fd, events: receive == nil ? events : events & ~Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000) + 1) >= 0 else { continue }
            if receive == nil, poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 {
                    received += buffer.prefix(count)
                } else if count == 0 {
                    receive = .closed
                } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    receive = .reset
                }
            }
            if send == nil, poller.revents & Int16(POLLOUT | POLLHUP | POLLERR) != 0 {
                let count = bytes.withUnsafeBytes { raw in
                    Glibc.send(fd, raw.baseAddress! + sent, min(raw.count - sent, 1 << 16), Int32(MSG_NOSIGNAL))
                }
                if count > 0 {
                    sent += count
                    if sent == bytes.count { send = .completed }
                } else if count < 0, errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    send = .failed
                }
            }
            // A POLLHUP with nothing left to read and nothing to send is the end too.
            if receive == nil, send != nil, poller.revents & Int16(POLLHUP) != 0, poller.revents & Int16(POLLIN) == 0 {
                receive = .closed
            }
        }
        return RawExchange(send: send ?? .timedOut, receive: receive ?? .timedOut,
                           response: String(decoding: received, as: UTF8.self), elapsed: Date().timeIntervalSince(start))
    }
}
#endif
