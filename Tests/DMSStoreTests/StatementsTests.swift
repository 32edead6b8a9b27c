@testable import DMSStore
import DMSCore
import DMSTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// Hot statements prepared once per connection, or sent unnamed behind a transaction pooler:
/// both give the same answers; timestamps written in Swift match `iso_utc()` exactly.
@Suite("Prepared and unnamed statements; timestamps written in Swift")
struct StatementsTests {
    @Test("pgbouncer=true in the URL turns prepared statements off; anything else than true/false is refused")
    func poolerFlag() throws {
        let direct = try DatabaseConfig(url: "postgres://u:p@h/d?sslmode=disable")
        #expect(!direct.transactionPooler && !direct.redacted.contains("pgbouncer"))
        let pooled = try DatabaseConfig(url: "postgres://u:p@h:6432/d?sslmode=require&pgbouncer=true")
        #expect(pooled.transactionPooler && pooled.redacted.hasSuffix("&pgbouncer=true"))
        #expect(throws: ConfigError.self) { try DatabaseConfig(url: "postgres://u:p@h/d?pgbouncer=maybe") }
    }

    @Test("cases created, listed (every filter, both pages), read and decided give the same answers prepared and unnamed")
    func samePaths() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { pooled in
                let client = pooled.client
                let prepared = CaseRepository(database: Database(client: client, requestTimeout: .seconds(15), preparedStatements: true))
                let unnamed = CaseRepository(database: Database(client: client, requestTimeout: .seconds(15), preparedStatements: false))
                let logger = TestDatabase.logger
                var ids: [UUID] = []
                for index in 0..<7 {
                    let repository = index.isMultiple(of: 2) ? prepared : unnamed
                    let new = try NewCase(caseType: index < 4 ? "DAO" : "RFQ", title: "Fourniture \(index)", lot: index == 3 ? "Lot 1" : nil)
                    ids.append(try await repository.create(new, actor: .system, logger: logger).id)
                }
                _ = try await prepared.decide(caseID: ids[1], try NewDecision(chosenSupplier: "Ets Diallo", decisionReason: "Conforme", nextAction: nil),
                                              present: [], quorum: 3, actor: .system, logger: logger)
                await #expect(throws: CaseError.self) {
                    _ = try await unnamed.decide(caseID: ids[1], try NewDecision(chosenSupplier: "X", decisionReason: "Y", nextAction: nil),
                                                 present: [], quorum: 3, actor: .system, logger: logger)
                }
                for status in [nil, "open", "decided"] as [String?] {
                    for type in [nil, "DAO", "RFQ"] as [String?] {
                        let first = try CaseListQuery(limit: "2", cursor: nil, status: status, caseType: type, text: nil)
                        let a = try await prepared.list(first, logger: logger)
                        let b = try await unnamed.list(first, logger: logger)
                        #expect(a.items == b.items && a.nextCursor == b.nextCursor, "\(status ?? "-") \(type ?? "-")")
                        if let cursor = a.nextCursor {
                            let next = try CaseListQuery(limit: "2", cursor: cursor, status: status, caseType: type, text: nil)
                            #expect(try await prepared.list(next, logger: logger).items == (try await unnamed.list(next, logger: logger)).items)
                        }
                    }
                }
                let all = try await prepared.list(try CaseListQuery(limit: "50", cursor: nil, status: nil, caseType: nil, text: nil), logger: logger)
                #expect(all.items.count == 7 && all.items.first?.title == "Fourniture 6")
                let words = try await unnamed.list(try CaseListQuery(limit: "50", cursor: nil, status: nil, caseType: nil, text: "lot 1"), logger: logger)
                #expect(words.items.map(\.title) == ["Fourniture 3"])
                for id in ids {
                    let a = try await prepared.detail(id: id, logger: logger)
                    #expect(a == (try await unnamed.detail(id: id, logger: logger)))
                }
                await #expect(throws: CaseError.self) { _ = try await prepared.detail(id: UUID(), logger: logger) }
            }
        }
    }

    @Test("timestamps written in Swift are iso_utc()'s text, before and after 2000, leap days, microseconds")
    func timestamps() async throws {
        try await TestDatabase.withFresh { config in
            try await withDatabase(config) { database in
                try await database.run { client in
                    let rows = try await client.query("""
                        SELECT t, iso_utc(t) FROM (VALUES (timestamptz '2000-01-01 00:00:00+00'), ('1999-12-31 23:59:59.999999+00'),
                            ('1970-01-01 00:00:00+00'), ('2024-02-29 12:34:56.000001+00'), ('2026-11-29 23:59:59.5+03'),
                            ('2100-03-01 00:00:00+00'), ('1900-02-28 08:00:00+00'), (now()), (now() - interval '1 microsecond')) v(t)
                        UNION ALL SELECT t, iso_utc(t) FROM generate_series(timestamptz '1996-01-01', '2040-01-01', interval '97 days 3 hours 17 minutes 1.234567 seconds') t
                        """, logger: TestDatabase.logger)
                    var count = 0
                    for try await (swift, sql) in rows.decode((ISOTimestamp, String).self) {
                        #expect(swift.text == sql)
                        count += 1
                    }
                    #expect(count > 150)
                }
            }
        }
    }
}
