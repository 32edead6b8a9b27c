import DMSCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Files handed to a browser: a download name in RFC 6266/5987 form, and for stored bytes that
/// never change, their SHA-256 as the ETag (304 when the client already has them).
enum FileResponse {
    /// Stored bytes (a deposited document, an issued report): cacheable forever, ETag = SHA-256.
    static func immutable(_ content: ByteBuffer, mediaType: DMSCore.MediaType, filename: String, sha256: String, request: Request) -> Response {
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .contentType: mediaType.rawValue,
            .contentDisposition: Self.attachment(filename),
            .eTag: etag,
            .cacheControl: "private, max-age=31536000, immutable",
            .contentLength: String(content.readableBytes),
        ]
        if request.headers[.ifNoneMatch] == etag {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: content))
    }

    /// A rendering of the current state: never cached, since the state may change.
    static func current(_ content: ByteBuffer?, mediaType: DMSCore.MediaType, filename: String) -> Response {
        var headers: HTTPFields = [
            .contentType: mediaType.rawValue,
            .contentDisposition: Self.attachment(filename),
            .cacheControl: "no-store",
        ]
        guard let content else {
            // HEAD: the size is not known without rendering, so none is claimed (not a false 0).
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await writer.finish(nil) })
        }
        headers[.contentLength] = String(content.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: content))
    }

    /// RFC 6266 with an ASCII fallback and the exact UTF-8 name in `filename*` (RFC 5987).
    static func attachment(_ filename: String) -> String {
        let fallback = String(filename.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
