import DMSApp
import DMSCore
import DMSStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe's API uses it)
/// on writes: the first request's answer is stored under the key, per caller, for 24 hours; a
/// repeat with the same key and the same request gets that answer again without a second write;
/// the same key with another request is refused (422). The key is inserted by the write's own
/// transaction (`IdempotencyClaim`), so it exists exactly when the write committed. Web forms carry
/// theirs in the action's query (`_idempotency_key`), one per rendered form.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let app: UseCases
    /// The largest body a keyed request may have (it is read before the route to be hashed).
    let maxBodyBytes: Int

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    static let queryName = "_idempotency_key"
    static let writes: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]
    /// Answers larger than this are not kept (a repeat then learns the write happened: 409).
    static let maxStoredBytes = 1 << 20

    /// Answers that carry a secret (a session cookie, a new API token) are never stored: these
    /// routes ignore the key.
    static let secretAnswers: Set<String> = ["POST /api/session", "DELETE /api/session", "POST /connexion", "POST /deconnexion", "POST /api/tokens"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.writes.contains(request.method), !Self.secretAnswers.contains("\(request.method.rawValue) \(request.uri.path)") else {
            return try await next(request, context)
        }
        var key = request.headers[Self.header] ?? request.uri.queryParameters[Substring(Self.queryName)].map(String.init)
        var formBody: ByteBuffer?
        // A web form sends its key as a field (url-encoded bodies are small: read them here).
        if key == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let form = try await request.body.collect(upTo: self.maxBodyBytes)
            formBody = form
            key = FormQuery.value(Self.queryName, inURLEncoded: String(buffer: form))
        }
        guard let key else {
            guard let formBody else { return try await next(request, context) }
            var forwarded = request
            forwarded.body = RequestBody(buffer: formBody)
            return try await next(forwarded, context)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValidationError(field: "Idempotency-Key", message: "1 à 255 caractères ASCII visibles, sans espace (un UUID convient)")
        }
        let body: ByteBuffer
        if let formBody { body = formBody } else { body = try await request.body.collect(upTo: self.maxBodyBytes) }
        let claim = IdempotencyClaim(scope: Self.scope(request, context), key: key, requestHash: Self.hash(request, body: body))
        if let stored = try await self.app.idempotency.find(scope: claim.scope, key: key, logger: context.logger) {
            return try Self.replay(stored, claim: claim)
        }
        var forwarded = request
        forwarded.body = RequestBody(buffer: body)
        let answered: Response
        do {
            answered = try await IdempotencyClaim.$current.withValue(claim) { try await next(forwarded, context) }
        } catch DatabaseError.conflict(let constraint) where constraint.contains("idempotency_keys") {
            // The same key, sent twice at once: the first one's transaction won.
            guard let stored = try await self.app.idempotency.find(scope: claim.scope, key: key, logger: context.logger) else { throw IdempotencyError.inProgress }
            return try Self.replay(stored, claim: claim)
        }
        guard answered.status.code < 500 else { return answered }
        // Keep the answer (small ones; a download is not a write's answer).
        let collector = Collector()
        var response = answered
        let original = response.body
        try await original.write(collector)
        let bytes = collector.buffer
        response.body = ResponseBody(byteBuffer: bytes)
        try await self.app.idempotency.store(claim, status: response.status.code, contentType: response.headers[.contentType],
                                             location: response.headers[.location], body: bytes.readableBytes <= Self.maxStoredBytes ? bytes : nil,
                                             logger: context.logger)
        return response
    }

    /// Keys belong to a caller: an account, a development actor, or an address when signed out.
    static func scope(_ request: Request, _ context: Context) -> String {
        if let id = context.principal?.userID { return "user:\(id.uuidString.lowercased())" }
        if context.authMethod == .development { return "actor:\((try? request.developmentActor().value) ?? "anonymous")" }
        return "ip:\(context.clientAddress)"
    }

    /// The request a key stands for: method, path (without the key itself) and body.
    static func hash(_ request: Request, body: ByteBuffer) -> String {
        var hasher = ContentHasher()
        Array("\(request.method.rawValue) \(request.uri.path)\n".utf8).withUnsafeBytes { hasher.update($0) }
        body.withUnsafeReadableBytes { hasher.update($0) }
        return hasher.finalize()
    }

    static func replay(_ stored: IdempotencyRepository.Stored, claim: IdempotencyClaim) throws -> Response {
        guard stored.requestHash == claim.requestHash else { throw IdempotencyError.keyReused }
        guard let status = stored.status, let body = stored.body else { throw IdempotencyError.inProgress }
        var headers: HTTPFields = [Self.replayed: "true"]
        if let type = stored.contentType { headers[.contentType] = type }
        if let location = stored.location { headers[.location] = location }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: body))
    }

    final class Collector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            self.buffer.writeBuffer(&buffer)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// Why a keyed request is refused.
enum IdempotencyError: Error, Sendable {
    /// The key was first used with another request (422).
    case keyReused
    /// A request with this key is being served, or it was written but its answer was not kept (409).
    case inProgress
}
