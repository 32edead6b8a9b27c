import Foundation
import Hummingbird

/// Reads a JSON request body with the checks every write endpoint needs: the media type (415),
/// the size (413, from Content-Length before reading when present), and decoding errors that name
/// the field (422) or say the JSON is malformed (400).
struct JSONRequest {
    let maxBytes: Int

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw APIError.unsupportedMediaType(expected: "application/json")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > self.maxBytes {
            throw APIError.bodyTooLarge(limit: self.maxBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: self.maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: self.maxBytes)
        }
        guard buffer.readableBytes > 0 else { throw APIError.malformedJSON("corps vide") }
        // Foundation's decoder accepts `{"a":1,}`; RFC 8259 does not, and neither do we.
        guard !Self.hasTrailingComma(buffer) else { throw APIError.malformedJSON("virgule en trop avant } ou ]") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Self.map(error)
        }
    }

    /// A `,` followed (after white space) by `}` or `]`, outside strings.
    static func hasTrailingComma(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var inString = false
            var escaped = false
            var pendingComma = false
            for byte in bytes {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    continue
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if pendingComma { return true }
                case UInt8(ascii: "\""):
                    inString = true
                default:
                    break
                }
                pendingComma = byte == UInt8(ascii: ",")
            }
            return false
        }
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces).lowercased() }
        return mediaType == "application/json" || (mediaType?.hasPrefix("application/") == true && mediaType?.hasSuffix("+json") == true)
    }

    /// Decoding errors at the top level mean the body is not the JSON object expected; errors at a
    /// key name the field.
    static func map(_ error: DecodingError) -> any Error {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return APIError.malformedJSON("JSON invalide")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return ValidationErrorBody.notAnObject
        case .typeMismatch(let expected, let context):
            return ValidationErrorBody.field(Self.path(context.codingPath), "type incorrect, attendu : \(Self.describe(expected))")
        case .valueNotFound(let expected, let context):
            return ValidationErrorBody.field(Self.path(context.codingPath), "type incorrect, attendu : \(Self.describe(expected))")
        case .keyNotFound(let key, let context):
            return ValidationErrorBody.field(Self.path(context.codingPath + [key]), "champ obligatoire")
        case .dataCorrupted(let context):
            return ValidationErrorBody.field(Self.path(context.codingPath), "valeur illisible")
        @unknown default:
            return APIError.malformedJSON("JSON invalide")
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Optional<String>.Type: "une chaîne"
        case is Int.Type, is Double.Type: "un nombre"
        case is Bool.Type: "un booléen"
        default: "une valeur d'un autre type"
        }
    }
}

import DMSCore

enum ValidationErrorBody {
    static let notAnObject = ValidationError(field: "body", message: "un objet JSON est attendu")

    static func field(_ name: String, _ message: String) -> ValidationError {
        ValidationError(field: name.isEmpty ? "body" : name, message: message)
    }
}
