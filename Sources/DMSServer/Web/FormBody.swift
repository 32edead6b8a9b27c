import Foundation
import Hummingbird

/// An HTML form's fields (`application/x-www-form-urlencoded`): `+` is a space, the rest
/// percent-encoded; a name may repeat (checkboxes).
struct FormBody: Sendable {
    let pairs: [(String, String)]

    static let maxBytes = 256 << 10

    init(_ request: Request) async throws {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError.unsupportedMediaType(expected: "application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: Self.maxBytes)
        }
        self.init(query: String(buffer: buffer))
    }

    init(query: String) {
        self.pairs = query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    subscript(_ name: String) -> String? { self.pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { self.pairs.filter { $0.0 == name }.map(\.1) }

    /// A field left blank is absent.
    func value(_ name: String) -> String? {
        guard let value = self[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return value
    }
}

/// The query of a page's GET form as browsers send it (`application/x-www-form-urlencoded`:
/// `+` is a space, `%2B` a plus). Empty values are absent.
struct FormQuery {
    private var values: [String: String] = [:]

    init(_ request: Request) {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            if self.values[name] == nil, !value.isEmpty { self.values[name] = value }
        }
    }

    subscript(_ name: String) -> String? { self.values[name] }

    /// One field of an `application/x-www-form-urlencoded` body (the first, decoded).
    static func value(_ name: String, inURLEncoded body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decoded = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            guard decoded == name, parts.count > 1 else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
