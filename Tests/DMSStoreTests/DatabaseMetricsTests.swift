import DMSStore
import DMSTestSupport
import Foundation
import MetricsTestKit
import PostgresNIO
import Testing

@Suite("What the database wrapper counts")
struct DatabaseMetricsTests {
    /// A `Database` recording into `metrics`, its pool running for the duration of `body`.
    static func withMetered<T: Sendable>(_ config: DatabaseConfig, _ metrics: TestMetrics, maximumConnections: Int = 4,
                                         _ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let pool = PoolSettings(maximumConnections: maximumConnections, requestTimeout: .seconds(15))
        let client = try PostgresClient.make(config, pool: pool, logger: TestDatabase.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(Database(client: client, requestTimeout: pool.requestTimeout, metrics: metrics))
        }
    }

    static func meter(_ metrics: TestMetrics, _ label: String) throws -> Double {
        try metrics.expectMeter(label).lastValue ?? 0
    }

    static func errors(_ metrics: TestMetrics, _ kind: String) -> Int64 {
        metrics.counterTotal(label: "dms_db_errors_total", dimensions: [("kind", kind)])
    }

    @Test("a transaction holds one counted connection; a single statement is a call in flight only")
    func inUse() async throws {
        let metrics = TestMetrics()
        try await TestDatabase.withEmpty { config in
            try await Self.withMetered(config, metrics) { database in
                try await database.transaction(logger: TestDatabase.logger) { connection in
                    _ = try await connection.query("SELECT 1", logger: TestDatabase.logger).collect()
                    #expect(try Self.meter(metrics, "dms_db_calls_in_flight") == 1)
                    #expect(try Self.meter(metrics, "dms_db_pool_connections_in_use") == 1)
                    #expect(try Self.meter(metrics, "dms_db_pool_waiting") == 0)
                }
                #expect(try Self.meter(metrics, "dms_db_pool_connections_in_use") == 0)
                try await database.run { client in
                    _ = try await client.query("SELECT 1", logger: TestDatabase.logger).collect()
                    #expect(try Self.meter(metrics, "dms_db_calls_in_flight") == 1)
                    #expect(try Self.meter(metrics, "dms_db_pool_connections_in_use") == 0)
                }
                #expect(try Self.meter(metrics, "dms_db_calls_in_flight") == 0)
            }
        }
    }

    @Test("a transaction waiting for the only connection is counted as waiting until it has it")
    func waiting() async throws {
        let metrics = TestMetrics()
        try await TestDatabase.withEmpty { config in
            try await Self.withMetered(config, metrics, maximumConnections: 1) { database in
                let (held, holding) = AsyncStream<Void>.makeStream()
                let (released, release) = AsyncStream<Void>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await database.transaction(logger: TestDatabase.logger) { _ in
                            holding.yield()
                            for await _ in released { break }
                        }
                    }
                    for await _ in held { break }
                    group.addTask {
                        try await database.transaction(logger: TestDatabase.logger) { _ in }
                    }
                    // The second one queues behind the first (polled: it starts on another task).
                    let deadline = ContinuousClock.now + .seconds(10)
                    while try Self.meter(metrics, "dms_db_pool_waiting") < 1, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(try Self.meter(metrics, "dms_db_pool_waiting") == 1)
                    #expect(try Self.meter(metrics, "dms_db_pool_connections_in_use") == 1)
                    #expect(try Self.meter(metrics, "dms_db_calls_in_flight") == 2)
                    release.yield()
                    try await group.waitForAll()
                }
                #expect(try Self.meter(metrics, "dms_db_pool_waiting") == 0)
                #expect(try Self.meter(metrics, "dms_db_pool_connections_in_use") == 0)
            }
        }
    }

    @Test("database errors are counted by kind; a domain error thrown inside a transaction is not")
    func errorsByKind() async throws {
        struct Refused: Error {}
        let metrics = TestMetrics()
        try await TestDatabase.withEmpty { config in
            try await Self.withMetered(config, metrics) { database in
                await #expect(throws: Refused.self) {
                    try await database.transaction(logger: TestDatabase.logger) { _ in throw Refused() }
                }
                await #expect(throws: DatabaseError.self) {
                    try await database.run { client in _ = try await client.query("SELECT 1 / 0", logger: TestDatabase.logger).collect() }
                }
                await #expect(throws: (any Error).self) {
                    try await database.run { client in _ = try await client.query("SELECT * FROM no_such_table", logger: TestDatabase.logger).collect() }
                }
                await #expect(throws: DatabaseError.self) {
                    try await database.run(timeout: .milliseconds(100)) { client in
                        _ = try await client.query("SELECT pg_sleep(2)", logger: TestDatabase.logger).collect()
                    }
                }
            }
        }
        #expect(Self.errors(metrics, "invalid_value") == 1)
        #expect(Self.errors(metrics, "other") == 1)
        #expect(Self.errors(metrics, "unavailable") == 1)
        #expect(metrics.counterTotal(label: "dms_db_errors_total") == 3, "the domain error is not the database's")
    }

    @Test("memory progress: the last event id, and the checkpoint's age only when one is sealed")
    func memoryProgress() async throws {
        try await TestDatabase.withEmpty { config in
            try await withDatabase(config) { database in
                let probe = MemoryProgressProbe(database: database)
                let logger = TestDatabase.logger
                // Stand-ins with just the columns read: the probe must not depend on the rest.
                try await database.run { client in
                    try await client.query("CREATE TABLE events (id bigint PRIMARY KEY)", logger: logger)
                }
                let empty = try await probe.read(logger: logger)
                #expect(empty.eventsAppended == 0 && empty.checkpointAge == nil)
                try await database.run { client in
                    try await client.query("INSERT INTO events VALUES (1), (7)", logger: logger)
                    try await client.query("CREATE TABLE memory_checkpoints (seq bigint PRIMARY KEY, sealed_at timestamptz NOT NULL)", logger: logger)
                }
                let unsealed = try await probe.read(logger: logger)
                #expect(unsealed.eventsAppended == 7 && unsealed.checkpointAge == nil)
                try await database.run { client in
                    try await client.query("""
                        INSERT INTO memory_checkpoints VALUES (1, now() - interval '2 hours'), (2, now() - interval '90 seconds')
                        """, logger: logger)
                }
                let age = try #require(try await probe.read(logger: logger).checkpointAge)
                #expect((89...120).contains(age), "\(age)")
            }
        }
    }
}
