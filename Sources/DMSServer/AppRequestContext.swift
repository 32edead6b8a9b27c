import Foundation
import Hummingbird

/// The request context of every route: JSON in and out, slashes left unescaped so titles like
/// `Mopti/Ségou` read back as typed.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var responseEncoder: JSONEncoder { JSONCoding.encoder }
}

enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
