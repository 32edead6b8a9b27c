import NIOCore

/// Where one connection stands and when it must be looked at again, under the header, idle and
/// body-rate rules of `EdgeLimits`. `EdgeSocketHandler` feeds it events with their times and runs
/// one timer at `deadline`; the rules themselves need no socket.
///
/// Only the client's time counts. The header and idle clocks run only while no request is in the
/// server's hands (a head that arrives while the server still answers the previous request is
/// timed from that answer's end). The body clock runs only while the server has asked the socket
/// for bytes and none have come: not while the application works, nor while it pushes back (it
/// then stops asking).
struct ConnectionTimeline {
    enum Expiry: String, Sendable, CaseIterable {
        case header, idle, body
    }

    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let window: TimeAmount
    let minBytesPerSecond: Int

    /// Requests whose head has arrived and whose response has not ended.
    private(set) var inFlight = 0
    /// Between a request's head and its end: its body is arriving.
    private(set) var bodyOpen = false
    /// The client started a head then (for a new connection: the accept) and has not finished it.
    private var headSince: NIODeadline?
    /// The last response ended then and nothing has arrived since.
    private var idleSince: NIODeadline?
    /// The socket was asked for bytes and none have arrived yet.
    private var readPending = false
    /// While a body is open: the server has been waiting for the client since then.
    private var waitingSince: NIODeadline?
    /// The current body-rate window: the client's time in it, and the body bytes received in it.
    private var windowElapsed = TimeAmount.zero
    private var windowBytes = 0

    init(limits: EdgeLimits, acceptedAt now: NIODeadline) {
        self.headerTimeout = .seconds(Int64(limits.headerTimeoutSeconds))
        self.idleTimeout = .seconds(Int64(limits.idleTimeoutSeconds))
        self.window = .seconds(Int64(limits.bodyRateWindowSeconds))
        self.minBytesPerSecond = limits.bodyMinBytesPerSecond
        self.headSince = now
    }

    /// The server asked the socket for more bytes.
    mutating func readRequested(at now: NIODeadline) {
        self.readPending = true
        if self.bodyOpen, self.waitingSince == nil { self.waitingSince = now }
    }

    /// Bytes came off the socket, before they are decoded. Outside a body they begin (or continue)
    /// a head.
    mutating func bytesArrived(at now: NIODeadline) {
        self.readPending = false
        self.stopWaiting(at: now)
        if !self.bodyOpen, self.headSince == nil {
            self.headSince = now
            self.idleSince = nil
        }
    }

    mutating func requestHead(at now: NIODeadline) {
        self.inFlight += 1
        self.bodyOpen = true
        self.headSince = nil
        self.idleSince = nil
        self.windowElapsed = .zero
        self.windowBytes = 0
        if self.readPending { self.waitingSince = now }
    }

    mutating func bodyReceived(_ count: Int) {
        self.windowBytes += count
    }

    mutating func requestEnd(at now: NIODeadline) {
        self.bodyOpen = false
        self.waitingSince = nil
        // Answered before its body ended (an early 413…): the connection is idle from now.
        if self.inFlight == 0, self.headSince == nil { self.idleSince = now }
    }

    mutating func responseEnd(at now: NIODeadline) {
        guard self.inFlight > 0 else { return }
        self.inFlight -= 1
        guard self.inFlight == 0, !self.bodyOpen else { return }
        // The client's clocks start again now: what arrived while the server worked is not held
        // against it.
        if self.headSince != nil {
            self.headSince = now
        } else {
            self.idleSince = now
        }
    }

    /// When `expire` must next be called; nil while no clock runs.
    var deadline: NIODeadline? {
        if self.bodyOpen {
            return self.waitingSince.map { $0 + (self.window - self.windowElapsed) }
        }
        guard self.inFlight == 0 else { return nil }
        if let since = self.headSince { return since + self.headerTimeout }
        if let since = self.idleSince { return since + self.idleTimeout }
        return nil
    }

    /// The timer fired: the rule the client broke, if any (then the connection closes). A body
    /// window whose time is up is judged and a new one begins.
    mutating func expire(at now: NIODeadline) -> Expiry? {
        if self.bodyOpen {
            if self.waitingSince != nil {
                self.stopWaiting(at: now)
                self.waitingSince = now
            }
            guard self.windowElapsed >= self.window else { return nil }
            let seconds = Double(self.windowElapsed.nanoseconds) / 1e9
            if Double(self.windowBytes) < Double(self.minBytesPerSecond) * seconds { return .body }
            self.windowElapsed = .zero
            self.windowBytes = 0
            return nil
        }
        guard self.inFlight == 0 else { return nil }
        if let since = self.headSince { return now >= since + self.headerTimeout ? .header : nil }
        if let since = self.idleSince { return now >= since + self.idleTimeout ? .idle : nil }
        return nil
    }

    private mutating func stopWaiting(at now: NIODeadline) {
        guard let since = self.waitingSince else { return }
        self.windowElapsed = self.windowElapsed + (now - since)
        self.waitingSince = nil
    }
}
