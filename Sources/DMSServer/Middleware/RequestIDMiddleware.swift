import HTTPTypes
import Hummingbird
import Logging

/// First of all: every response says which request it answers in `X-Request-Id` — the id in the
/// log lines and in error bodies. A client (or a proxy) that sent a safe id of its own gets it
/// back and finds it in the logs; anything else it sent is ignored and Hummingbird's id kept.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let sent = request.headers[values: Self.header]
        if sent.count == 1, Self.isSafe(sent[0]) {
            // `context.id` reads this metadata: the access log, the error bodies and this header agree.
            context.logger[metadataKey: "hb.request.id"] = .string(sent[0])
        }
        var response = try await next(request, context)
        response.headers[Self.header] = context.id
        return response
    }

    /// 1 to 64 of `A-Z a-z 0-9 . _ -`: nothing that could forge a log line or a header.
    static func isSafe(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }
}
