import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `/api/openapi.json` is kept in the repository; these tests make it impossible for it to drift
/// from the routes the code registers.
@Suite("OpenAPI description")
struct OpenAPITests {
    /// Routes registered in Sources/DMSServer/Routes (`router.get("/api/…")`, and `/metrics`), read from the code.
    static func registeredRoutes() throws -> Set<String> {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        folder.appendPathComponent("Sources/DMSServer/Routes")
        let regex = try NSRegularExpression(pattern: #"router\.(get|post|patch|put|delete)\("(/api/[^"]*|/metrics)""#)
        var routes = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                let path = String(text[Range(match.range(at: 2), in: text)!])
                routes.insert("\(method) \(path)")
            }
        }
        return routes.subtracting(["GET /api/openapi.json", "GET /api/docs"])
    }

    static func documented(_ document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, item in item.keys.filter { ["get", "post", "patch", "put", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" } })
    }

    @Test("every registered route is documented and every documented operation is registered")
    func noDrift() async throws {
        try await withTestApp { client, _ in
            let response = try await client.send(.get, "/api/openapi.json")
            #expect(response.status == .ok)
            let document = try response.object()
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let documented = try Self.documented(document)
            let registered = try Self.registeredRoutes()
            #expect(registered.count >= 10)
            #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but not served: \(documented.subtracting(registered).sorted())")
            // And through the router: no documented operation falls into the router's "no such route".
            for operation in documented {
                let parts = operation.split(separator: " ")
                let path = String(parts[1]).replacingOccurrences(of: #"\{[^}]+\}"#, with: "00000000-0000-0000-0000-000000000000", options: .regularExpression)
                    .replacingOccurrences(of: "00000000-0000-0000-0000-000000000000/dao", with: "x")
                let method = HTTPRequest.Method(String(parts[0]))!
                let answer = try await client.send(method, path)
                #expect(!(answer.status == .notFound && answer.text.contains("ressource introuvable")), "\(operation) is not routed")
            }
        }
    }

    @Test("the docs page is French HTML and HEAD works on GET routes")
    func docsPage() async throws {
        try await withTestApp { client, _ in
            let page = try await client.send(.get, "/api/docs")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("lang=\"fr\""))
            #expect(try await client.send(.head, "/api/health").status == .ok)
        }
    }
}
