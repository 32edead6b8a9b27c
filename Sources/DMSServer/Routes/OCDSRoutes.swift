import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Open Contracting data (OCDS 1.1 release packages): one case's current release, and the
/// decided cases' releases page by page. Read only.
struct OCDSRoutes {
    let app: UseCases

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/cases/{id}/ocds") { request, context -> Response in
            let id = try context.caseID("id")
            let uri = Self.packageURI(request, path: "/api/cases/\(id.uuidString.lowercased())/ocds")
            return Self.json(try await app.ocds.package(caseID: id, uri: uri, logger: context.logger))
        }

        // `{"package": {…} | null, "next_cursor": "…" | null}`: the package is null when no
        // decided case is on the page (a release package holds at least one release).
        router.get("/api/ocds/releases") { request, context -> Response in
            let parameters = request.uri.queryParameters
            let query = try OCDSReleaseQuery(from: parameters["from"].map(String.init), to: parameters["to"].map(String.init),
                                             limit: parameters["limit"].map(String.init), cursor: parameters["cursor"].map(String.init))
            let uri = Self.packageURI(request, path: "/api/ocds/releases", query: Self.queryString(query))
            let page = try await app.ocds.releases(query, uri: uri, logger: context.logger)
            return Self.json(.object(["package": page.package ?? .null, "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null]))
        }
    }

    /// Canonical JSON (sorted keys): the same state gives the same bytes.
    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: CanonicalJSON.string(value))))
    }

    /// The package's `uri`: where it is served, rebuilt from validated parts (the host as the
    /// client named it when it is a plain host name or address, else `localhost`), so it is
    /// always a valid URI.
    static func packageURI(_ request: Request, path: String, query: String = "") -> String {
        let host = request.head.authority.flatMap { Self.isPlainHost($0) ? $0 : nil } ?? "localhost"
        return "\(request.cameOverTLS ? "https" : "http")://\(host)\(path)\(query.isEmpty ? "" : "?" + query)"
    }

    static func isPlainHost(_ authority: String) -> Bool {
        authority.utf8.count <= 255 && authority.range(of: #"^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$"#, options: .regularExpression) != nil
    }

    /// The page's parameters as validated (instants in UTC; the cursor is base64url).
    static func queryString(_ query: OCDSReleaseQuery) -> String {
        var items: [String] = []
        if let from = query.from { items.append("from=\(from.iso8601)") }
        if let to = query.to { items.append("to=\(to.iso8601)") }
        items.append("limit=\(query.limit)")
        if let after = query.after { items.append("cursor=\(after.token)") }
        return items.joined(separator: "&")
    }
}
