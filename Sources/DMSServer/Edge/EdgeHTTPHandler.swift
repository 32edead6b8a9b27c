import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Tells the connection's `EdgeSocketHandler` where requests and responses begin and end, and puts
/// that handler at the front of the pipeline (it must see raw bytes, before the codec).
///
/// Wired in `additionalChannelHandlers`, after Hummingbird's HTTP/1 codec and before
/// `EarlyCloseHandler`, so that it sees every request part that handler discards and every
/// response part it lets through: `[EdgeHTTPHandler(gate: gate), EarlyCloseHandler()]`.
final class EdgeHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let socket: EdgeSocketHandler
    private var bodyOpen = false

    init(gate: EdgeGate) {
        self.socket = EdgeSocketHandler(gate: gate)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            try context.pipeline.syncOperations.addHandler(self.socket, position: .first)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.bodyOpen = true
            self.socket.requestHead()
        case .body(let buffer):
            self.socket.requestBody(buffer.readableBytes)
        case .end:
            self.bodyOpen = false
            self.socket.requestEnd()
        }
        context.fireChannelRead(data)
    }

    /// A connection closed in the middle of a body makes the HTTP decoder complain (its parser
    /// error would reach the error middleware as an unexpected error, a 500): the handler reading
    /// the body gets a `RequestBodyCut` instead, a 4xx.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.bodyOpen, !context.channel.isActive {
            self.bodyOpen = false
            context.fireErrorCaught(RequestBodyCut(tooSlow: self.socket.brokenRule == .body))
            return
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) { self.socket.responseEnd() }
        context.write(data, promise: promise)
    }
}

/// The request body ended with its connection: closed by the server because the body came too
/// slowly (408), or by the client (400). Nobody reads the answer; the access log does.
struct RequestBodyCut: HTTPResponseError {
    let tooSlow: Bool

    var status: HTTPResponse.Status { self.tooSlow ? .requestTimeout : .badRequest }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: self.status)
    }
}
