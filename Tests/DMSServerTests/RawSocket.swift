#if canImport(Glibc)
import Foundation
import Glibc

/// A client connection for what only a socket shows (slow clients, idle connections, the
/// connection cap). Its calls block until their limit: run them on their own thread (`onThread`),
/// never on the tasks' shared pool.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    let opened = Date()
    private var pending = [UInt8]()
    private var isOpen = true

    init(port: Int) throws {
        self.fd = try RawExchange.connect(port: port)
    }

    deinit { self.close() }

    func close() {
        if self.isOpen { Glibc.close(self.fd) }
        self.isOpen = false
    }

    /// Sends all of `data`; false when the server closed the connection or `limit` passed.
    @discardableResult
    func send(_ data: Data, limit: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        var sent = 0
        while sent < data.count {
            guard self.wait(for: Int16(POLLOUT), until: deadline) else { return false }
            let count = data.withUnsafeBytes { raw in
                Glibc.send(self.fd, raw.baseAddress! + sent, min(raw.count - sent, 1 << 16), Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                sent += count
            } else if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                return false
            }
        }
        return true
    }

    func send(_ text: String, limit: TimeInterval = 10) -> Bool {
        self.send(Data(text.utf8), limit: limit)
    }

    /// One whole response (its head and a `Content-Length` body); nil when the connection closed
    /// first or `limit` passed.
    func readResponse(limit: TimeInterval = 10) -> RawResponse? {
        let deadline = Date().addingTimeInterval(limit)
        while true {
            if let response = RawResponse.parse(&self.pending) { return response }
            guard self.receive(until: deadline) else { return nil }
        }
    }

    /// Reads and drops what arrives until the server closes the connection: when it did, or nil
    /// when it is still open `limit` seconds from now.
    func waitClosed(limit: TimeInterval) -> Date? {
        let deadline = Date().addingTimeInterval(limit)
        while self.receive(until: deadline) {}
        return self.closedByPeer ? Date() : nil
    }

    private(set) var closedByPeer = false

    /// Whether the server has closed the connection, without waiting.
    func closedNow() -> Bool {
        var poller = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) > 0, !self.closedByPeer {
            guard self.receive(until: Date()) else { break }
        }
        return self.closedByPeer
    }

    /// One read: true when bytes came, false when the connection closed or the deadline passed.
    private func receive(until deadline: Date) -> Bool {
        guard !self.closedByPeer, self.wait(for: Int16(POLLIN), until: deadline) else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let count = recv(self.fd, &buffer, buffer.count, 0)
        if count > 0 {
            self.pending += buffer.prefix(count)
            return true
        }
        if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            self.closedByPeer = true
            return false
        }
        return true
    }

    private func wait(for events: Int16, until deadline: Date) -> Bool {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            var poller = pollfd(fd: self.fd, events: events, revents: 0)
            let ready = poll(&poller, 1, Int32(max(0, remaining) * 1000))
            if ready > 0 { return true }
            if ready == 0 || remaining <= 0 { return false }
        }
    }
}

struct RawResponse: Sendable {
    let status: Int
    let head: String
    let body: Data

    func header(_ name: String) -> String? {
        for line in self.head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any]
    }

    /// Takes one response off the front of `bytes` when it is all there.
    static func parse(_ bytes: inout [UInt8]) -> RawResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let response = RawResponse(status: 0, head: head, body: Data())
        let length = Int(response.header("Content-Length") ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let body = Data(bytes[(end + 4)..<(end + 4 + length)])
        bytes.removeFirst(end + 4 + length)
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return RawResponse(status: status, head: head, body: body)
    }
}

/// Runs blocking socket code on a thread of its own.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
#endif
