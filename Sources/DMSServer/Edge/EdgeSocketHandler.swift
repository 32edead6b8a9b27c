import NIOCore

/// First in every connection's pipeline, before the HTTP codec: it sees each byte as it comes off
/// the socket and each time the server asks the socket for more, keeps the connection's
/// `ConnectionTimeline` with one timer on the channel's event loop, and closes the connection when
/// the client breaks a rule (no response: the client is too slow to be waiting for one). A
/// connection beyond `DMS_MAX_CONNECTIONS` never reaches the codec: it gets the gate's canned 503,
/// its output is closed, what it sends is discarded, and it is closed when the client closes (or
/// after `refusalLinger`) — reading before closing, so that the client reads the 503 rather than
/// a reset.
///
/// `EdgeHTTPHandler`, after the codec, installs it and tells it where requests and responses begin
/// and end.
final class EdgeSocketHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    static let refusalLinger = TimeAmount.seconds(1)
    static let refusalMaxDiscard = 64 << 10

    private enum State {
        case serving
        case refusing(discarded: Int)
        case closed
    }

    private let gate: EdgeGate
    private var timeline: ConnectionTimeline
    private var state: State = .serving
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    /// The rule the client broke, when this handler closed the connection for it.
    private(set) var brokenRule: ConnectionTimeline.Expiry?

    init(gate: EdgeGate) {
        self.gate = gate
        self.timeline = ConnectionTimeline(limits: gate.limits, acceptedAt: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let channel = context.channel
        if self.gate.admit(channel) {
            channel.closeFuture.whenComplete { [gate] _ in gate.release(channel) }
        } else {
            self.state = .refusing(discarded: 0)
        }
        if context.channel.isActive { self.start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.state = .closed
        self.cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.state {
        case .serving:
            self.timeline.bytesArrived(at: .now())
            context.fireChannelRead(data)
            self.reschedule()
        case .refusing(let discarded):
            let total = discarded + self.unwrapInboundIn(data).readableBytes
            self.state = .refusing(discarded: total)
            if total > Self.refusalMaxDiscard { self.close(context) }
        case .closed:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .refusing = self.state, let event = event as? ChannelEvent, event == .inputClosed {
            self.close(context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func read(context: ChannelHandlerContext) {
        if case .serving = self.state {
            self.timeline.readRequested(at: .now())
            self.reschedule()
        }
        context.read()
    }

    // MARK: from EdgeHTTPHandler

    func requestHead() {
        if let channel = self.context?.channel { self.gate.served(channel) }
        self.timeline.requestHead(at: .now())
        self.reschedule()
    }

    func requestBody(_ count: Int) {
        self.timeline.bodyReceived(count)
    }

    func requestEnd() {
        self.timeline.requestEnd(at: .now())
        self.reschedule()
    }

    func responseEnd() {
        self.timeline.responseEnd(at: .now())
        self.reschedule()
    }

    // MARK: -

    private var started = false

    private func start(_ context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        switch self.state {
        case .serving:
            self.reschedule()
        case .refusing:
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(self.wrapOutboundOut(.byteBuffer(self.gate.refusal())), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
            self.timer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.refusalLinger) { [self] in self.close(context) }
        case .closed:
            break
        }
    }

    /// Keeps one timer at the timeline's deadline; a later deadline waits for the timer to fire.
    private func reschedule() {
        guard case .serving = self.state, let context = self.context, let deadline = self.timeline.deadline else { return }
        if let scheduled = self.timerDeadline, scheduled <= deadline { return }
        self.cancelTimer()
        self.timerDeadline = deadline
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in self.fire() }
    }

    private func fire() {
        self.timer = nil
        self.timerDeadline = nil
        guard case .serving = self.state, let context = self.context else { return }
        if let rule = self.timeline.expire(at: .now()) {
            self.brokenRule = rule
            self.gate.timedOut(rule, remote: context.channel.remoteAddress)
            self.close(context)
        } else {
            self.reschedule()
        }
    }

    private func close(_ context: ChannelHandlerContext) {
        if case .closed = self.state { return }
        self.state = .closed
        self.cancelTimer()
        context.close(promise: nil)
    }

    private func cancelTimer() {
        self.timer?.cancel()
        self.timer = nil
        self.timerDeadline = nil
    }
}
