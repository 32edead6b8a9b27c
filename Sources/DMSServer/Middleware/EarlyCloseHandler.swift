import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Closes the connection after an early response: one that ends while the request body is still
/// arriving (a 413 from `Content-Length` or while streaming, a 404 before an upload is read…).
///
/// HummingbirdCore 2.28 (`HTTPChannelHandler.handleHTTP`) does not cope with such a body. When the
/// request says `Connection: close`, it half-closes its output after the response, stops reading and
/// waits for the client to close: a client still sending (Python's urllib) blocks in `send` until its
/// own timeout. Otherwise it reads the rest of the body, however long, to keep the connection. A
/// `Connection: close` response header alone changes nothing: HummingbirdCore only looks at the
/// request's.
///
/// So an early response gets `Connection: close`; then the rest of the body is read and discarded
/// (the client can finish sending and read the answer, as nginx's lingering close does), at most
/// `maxDrainBytes` and for at most `lingerTime`, and the connection is closed. A body declared larger
/// than the bound is not drained at all: the connection closes as soon as the response is written.
///
/// Wired as `Application(router:server: .http1(configuration: .init(additionalChannelHandlers:
/// [EarlyCloseHandler()])), …)`: every connection gets its own.
final class EarlyCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxDrainBytes: Int
    private let lingerTime: TimeAmount

    /// Between the request head and its end.
    private var requestOpen = false
    private var declaredLength: Int?
    private var receivedBytes = 0
    /// A response head was written before the request ended.
    private var earlyResponse = false
    /// The early response is written; the rest of the body is being discarded.
    private var draining = false
    private var drainedBytes = 0
    private var lingerTask: Scheduled<Void>?
    private var closing = false

    init(maxDrainBytes: Int = 64 << 20, lingerTime: TimeAmount = .seconds(15)) {
        self.maxDrainBytes = maxDrainBytes
        self.lingerTime = lingerTime
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            if self.draining || self.closing { return }
            self.requestOpen = true
            self.receivedBytes = 0
            self.declaredLength = head.headerFields[.contentLength].flatMap(Int.init)
            context.fireChannelRead(data)
        case .body(let buffer):
            if self.draining {
                self.drainedBytes += buffer.readableBytes
                if self.drainedBytes > self.maxDrainBytes { self.close(context) }
                return
            }
            if self.closing { return }
            self.receivedBytes += buffer.readableBytes
            context.fireChannelRead(data)
        case .end:
            self.requestOpen = false
            if self.draining {
                // The whole body is in and the client was told `Connection: close`.
                self.close(context)
                return
            }
            if self.closing { return }
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The application no longer reads this request: ask the socket for more ourselves, whatever
        // the back-pressure of the async channel above.
        if self.draining { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var head) where self.requestOpen && head.status.kind != .informational:
            self.earlyResponse = true
            head.headerFields[.connection] = "close"
            context.write(self.wrapOutboundOut(.head(head)), promise: promise)
        case .end where self.earlyResponse:
            self.earlyResponse = false
            let written = context.eventLoop.makePromise(of: Void.self)
            context.write(data, promise: written)
            written.futureResult.cascade(to: promise)
            let remaining = self.declaredLength.map { $0 - self.receivedBytes }
            if self.requestOpen, (remaining ?? 0) <= self.maxDrainBytes {
                self.draining = true
                self.lingerTask = context.eventLoop.assumeIsolated().scheduleTask(in: self.lingerTime) { [self] in
                    self.close(context)
                }
                context.read()
            } else {
                // The request ended meanwhile, or its body is too large to drain: close once the
                // response is out.
                written.futureResult.assumeIsolated().whenComplete { [self] _ in self.close(context) }
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelLinger()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelLinger()
    }

    private func close(_ context: ChannelHandlerContext) {
        guard !self.closing else { return }
        self.closing = true
        self.draining = false
        self.cancelLinger()
        context.close(promise: nil)
    }

    private func cancelLinger() {
        self.lingerTask?.cancel()
        self.lingerTask = nil
    }
}
