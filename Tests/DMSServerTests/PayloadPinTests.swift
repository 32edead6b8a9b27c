import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// What the chain hashes is the database's canonical text of the stored payload. This pins that
/// text for a created case, end to end: the API's field names play no part in it.
@Suite("Hashed payloads, end to end")
struct PayloadPinTests {
    @Test("the hashed text of case_created is exactly the memory's own shape")
    func caseCreated() async throws {
        try await withTestApp { client, database in
            let id = try #require(try await client.createCase(title: "Ciment « Ségou »", lot: "lot 2")["id"] as? String)
            let uuid = try #require(UUID(uuidString: id))
            let text = try await TestDatabase.withConnection(database) { connection in
                var found = ""
                let rows = try await connection.query("SELECT payload::text FROM events WHERE case_id = \(uuid) AND seq = 1", logger: TestDatabase.logger)
                for try await payload in rows.decode(String.self) {
                    found = payload
                }
                return found
            }
            // jsonb orders keys by length, then bytes.
            #expect(text == #"{"lot": "lot 2", "title": "Ciment « Ségou »", "case_type": "DAO"}"#)
        }
    }
}
