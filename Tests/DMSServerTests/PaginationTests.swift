import DMSTestSupport
import Foundation
import HummingbirdTesting
import Testing

@Suite("Pagination")
struct PaginationTests {
    @Test("walking 250 cases page by page returns each exactly once, newest first")
    func walk() async throws {
        try await withTestApp { client, _ in
            var created: [String] = []
            for index in 0..<250 {
                created.append(try #require(try await client.createCase(title: "Dossier \(index)")["id"] as? String))
            }
            var seen: [String] = []
            var stamps: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = cursor.map { "?limit=60&cursor=\($0)" } ?? "?limit=60"
                let page = try await client.send(.get, "/api/cases\(query)").object()
                let items = try #require(page["items"] as? [[String: Any]])
                seen += items.compactMap { $0["id"] as? String }
                stamps += items.compactMap { $0["created_at"] as? String }
                cursor = page["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 20
            #expect(pages == 5)
            #expect(seen.count == 250)
            #expect(Set(seen) == Set(created))
            #expect(stamps == stamps.sorted(by: >))
            #expect(seen.first == created.last)
        }
    }

    @Test("the default page is 50 and an exact last page has no next cursor")
    func defaults() async throws {
        try await withTestApp { client, _ in
            for index in 0..<51 { _ = try await client.createCase(title: "D\(index)") }
            let first = try await client.send(.get, "/api/cases").object()
            #expect((first["items"] as? [Any])?.count == 50)
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.send(.get, "/api/cases?cursor=\(cursor)").object()
            #expect((second["items"] as? [Any])?.count == 1)
            #expect(second["next_cursor"] is NSNull)
        }
    }
}
