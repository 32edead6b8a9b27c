import DMSCore
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// Per-caller limits on writes and on sign-ins, answering 429 with `Retry-After`. Kept in memory,
/// per instance (a token bucket per account, development actor or address): nothing to write in
/// PostgreSQL on each request, at the price that N instances allow N times the rate. The limits
/// are generous (a committee's busiest day stays far below); 0 turns one off.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter

    static let signIns: Set<String> = ["POST /api/session", "POST /connexion"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard IdempotencyMiddleware.writes.contains(request.method) else { return try await next(request, context) }
        let signIn = Self.signIns.contains("\(request.method.rawValue) \(request.uri.path)")
        let scope = signIn ? "ip:\(context.clientAddress)" : IdempotencyMiddleware.scope(request, context)
        if let wait = self.limiter.take(scope, signIn: signIn) { throw RateLimitError(retryAfter: wait) }
        return try await next(request, context)
    }
}

struct RateLimitError: Error, Sendable {
    /// Whole seconds until the next request would be allowed.
    let retryAfter: Int
}

/// Token buckets: `perMinute` tokens, refilled continuously; one per request.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let writesPerMinute: Int
    let signInsPerMinute: Int
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])

    init(writesPerMinute: Int, signInsPerMinute: Int) {
        self.writesPerMinute = writesPerMinute
        self.signInsPerMinute = signInsPerMinute
    }

    /// Nil when allowed (a token is taken); else the seconds to wait.
    func take(_ scope: String, signIn: Bool, now: ContinuousClock.Instant = .now) -> Int? {
        let limit = signIn ? self.signInsPerMinute : self.writesPerMinute
        guard limit > 0 else { return nil }
        let key = (signIn ? "signin|" : "write|") + scope
        let perSecond = Double(limit) / 60
        return self.buckets.withLockedValue { buckets in
            // Forget full buckets now and then so the table stays as small as the active callers.
            if buckets.count > 10_000 {
                buckets = buckets.filter { now - $0.value.updated < .seconds(120) }
            }
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(limit), bucket.tokens + seconds * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
