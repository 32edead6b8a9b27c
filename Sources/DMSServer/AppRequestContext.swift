import DMSCore
import Foundation
import Hummingbird
import NIOCore

/// The request context of every route: JSON in and out (slashes left unescaped so titles like
/// `Mopti/Ségou` read back as typed), who is asking, and from where.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, set by `AuthMiddleware`; nil in development mode.
    var principal: Principal?
    /// How this request proved who it is.
    var authMethod: AuthMethod = .none
    /// The session's CSRF token, when authenticated by cookie.
    var csrfToken: String?
    /// The peer's IP address (for sign-in limits); "unknown" when there is no socket (tests).
    let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    enum AuthMethod: String, Sendable {
        case none, token, session, development
    }
}

enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
