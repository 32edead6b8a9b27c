import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The French pages' templates (swift-mustache: every `{{value}}` is HTML-escaped) and the static
/// files, loaded once at start from the resource bundle: a missing template is a start-up error.
struct WebPages: Sendable {
    let library: MustacheLibrary
    let css: ByteBuffer

    static func load() throws -> WebPages {
        guard let root = Bundle.module.url(forResource: "web", withExtension: nil) else { throw Missing(what: "web") }
        var library = MustacheLibrary()
        let folder = root.appendingPathComponent("templates")
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) where file.pathExtension == "mustache" {
            try library.register(String(contentsOf: file, encoding: .utf8), named: file.deletingPathExtension().lastPathComponent)
        }
        let css = try Data(contentsOf: root.appendingPathComponent("static/dms.css"))
        return WebPages(library: library, css: ByteBuffer(data: css))
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(what) is missing from the dms_DMSServer resource bundle" }
    }

    /// Headers every page carries: no inline script may run, no type sniffing, no referrer leaks.
    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = self.library.render(model, withTemplate: template) ?? "<!doctype html><title>DMS</title><p>Page introuvable.</p>"
        return Response(status: status, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: Self.keyForms(html))))
    }

    /// Post/redirect/get: after a form, the browser asks for the page again (a reload never resubmits).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Every form that writes gets its own Idempotency-Key, so a form sent twice (a double
    /// click, a retry after a timeout) writes once (`IdempotencyMiddleware`): a hidden field for
    /// url-encoded forms, the action's query for file uploads (their body is multipart).
    static func keyForms(_ html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let start = rest.range(of: "<form "), let end = rest[start.upperBound...].firstIndex(of: ">") {
            let tag = rest[start.lowerBound...end]
            out += rest[..<start.lowerBound]
            rest = rest[rest.index(after: end)...]
            let key = UUID().uuidString.lowercased()
            guard tag.contains("method=\"post\"") else { out += tag; continue }
            if tag.contains("multipart/form-data"), let action = tag.range(of: "action=\""), let close = tag[action.upperBound...].firstIndex(of: "\"") {
                let url = tag[action.upperBound..<close]
                out += tag[..<close] + (url.contains("?") ? "&amp;" : "?") + "\(IdempotencyMiddleware.queryName)=\(key)" + tag[close...]
            } else {
                out += tag + "<input type=\"hidden\" name=\"\(IdempotencyMiddleware.queryName)\" value=\"\(key)\">"
            }
        }
        return out + rest
    }
}
