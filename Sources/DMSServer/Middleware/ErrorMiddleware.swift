import Foundation
import Hummingbird
import DMSStore
import Logging

/// First in the chain: every error leaves as JSON with the right status. What the client sees is
/// the mapping's French message; what the operator needs (the error itself) goes to the log.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapping: ErrorMapping
            if let known = ErrorMapping.from(error) {
                mapping = known
                if known.status.code >= 500 || error is DatabaseError {
                    context.logger.warning("request failed", metadata: ["error": "\(String(reflecting: error))"])
                }
            } else {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
                mapping = ErrorMapping(status: .internalServerError, code: "internal_error",
                                       message: "erreur interne ; elle a été journalisée (requête \(context.id))")
            }
            return Self.response(mapping, requestID: context.id)
        }
    }

    static func response(_ mapping: ErrorMapping, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: mapping.code, message: mapping.message, field: mapping.field, suggestions: mapping.suggestions,
                                          requestID: requestID))
        // The id is a safe token (`RequestIDMiddleware`): it needs no escaping.
        let data = (try? JSONCoding.encoder.encode(body))
            ?? Data(#"{"error":{"code":"internal_error","message":"erreur","request_id":"\#(requestID)"}}"#.utf8)
        var headers = mapping.headers
        headers[.contentType] = "application/json; charset=utf-8"
        if mapping.status == .serviceUnavailable, headers[.retryAfter] == nil {
            headers[.retryAfter] = "5"
        }
        return Response(status: mapping.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
