import CoreMetrics
import Logging
import PostgresNIO
import ServiceLifecycle

/// The live database: a pooled client plus the rules every query follows — a deadline, and one
/// vocabulary for "the database is not there" so callers can answer 503 instead of hanging.
public struct Database: Sendable {
    public let client: PostgresClient
    public let requestTimeout: Duration
    /// Hot statements are prepared once per connection; off behind a transaction-mode pooler.
    public let preparedStatements: Bool
    let metrics: DatabaseMetrics

    /// `metrics`: where the calls in flight, the connections held and the errors are counted
    /// (the server's registry; nowhere by default).
    public init(client: PostgresClient, requestTimeout: Duration, preparedStatements: Bool = true,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.client = client
        self.requestTimeout = requestTimeout
        self.preparedStatements = preparedStatements
        self.metrics = DatabaseMetrics(factory: metrics)
    }

    /// A pool for `config`; nothing connects until `service` runs.
    public static func connect(_ config: DatabaseConfig, pool: PoolSettings, logger: Logger,
                               metrics: any MetricsFactory = NOOPMetricsHandler.instance) throws(ConfigError) -> Database {
        Database(client: try PostgresClient.make(config, pool: pool, logger: logger), requestTimeout: pool.requestTimeout,
                 preparedStatements: !config.transactionPooler, metrics: metrics)
    }

    /// The pool's background work, to run beside the HTTP server (and stop after it).
    public var service: any Service { self.client }

    /// Runs `body` in one REPEATABLE READ, READ ONLY transaction: every read in it sees the same
    /// committed state, and it can write nothing.
    public func snapshot<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        // A read-only snapshot never claims the request's Idempotency-Key: the write after it does.
        try await self.transaction(logger: logger, claimsKey: false) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    /// Runs `operation` within the request deadline (or `timeout`); connection-level failures
    /// become `DatabaseError.unavailable`.
    /// A single statement is its own transaction: when the deadline fires first it may still
    /// commit, so the error says the outcome is uncertain (retry with the same Idempotency-Key).
    public func run<T: Sendable>(timeout: Duration? = nil, _ operation: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await self.run(timeout: timeout ?? self.requestTimeout, outcome: .uncertain, operation)
    }

    private func run<T: Sendable>(timeout: Duration, outcome: DatabaseError.Outcome,
                                  _ operation: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client
        self.metrics.callsInFlight.increment()
        defer { self.metrics.callsInFlight.decrement() }
        do {
            return try await withDeadline(timeout, onTimeout: { DatabaseError.deadlineExceeded(outcome) }) {
                try await operation(client)
            }
        } catch {
            let classified = DatabaseError.classify(error)
            self.metrics.failed(classified)
            throw classified
        }
    }

    /// Runs `body` in one transaction (BEGIN … COMMIT, ROLLBACK on error) within the deadline, on
    /// a connection leased here so that the wait for it and its use are counted.
    ///
    /// The deadline tells the truth: the transaction's statements get `SET LOCAL statement_timeout`
    /// of the time left (less a margin), so PostgreSQL cancels a statement still running before the
    /// deadline answers 503 — which then means "not committed". `SET LOCAL` works through
    /// transaction-mode poolers. A request carrying an `Idempotency-Key` claims it in its first
    /// transaction (`IdempotencyClaim`): the key exists exactly when the write committed.
    public func transaction<T: Sendable>(logger: Logger, timeout: Duration? = nil, claimsKey: Bool = true,
                                         _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let metrics = self.metrics
        let timeout = timeout ?? self.requestTimeout
        let deadline = ContinuousClock.now + timeout
        let claim = claimsKey ? IdempotencyClaim.current : nil
        return try await self.run(timeout: timeout, outcome: .notCommitted) { client in
            metrics.waiting.increment()
            var leased = false
            defer { if !leased { metrics.waiting.decrement() } }
            return try await client.withConnection { connection in
                metrics.waiting.decrement()
                leased = true
                metrics.connectionsInUse.increment()
                defer { metrics.connectionsInUse.decrement() }
                return try await connection.withTransaction(logger: logger) { connection in
                    let left = deadline - ContinuousClock.now - Self.statementMargin
                    let milliseconds = max(1, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
                    try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(milliseconds)"), logger: logger)
                    if let claim, claim.take() {
                        try await connection.query("""
                            INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (\(claim.scope), \(claim.key), \(claim.requestHash))
                            """, logger: logger)
                    }
                    return try await body(connection)
                }
            }
        }
    }
}

extension Database {
    /// Left for the statement's cancellation to reach the server before the deadline answers.
    static let statementMargin: Duration = .milliseconds(250)

    /// Whether a request with an Idempotency-Key runs its write in a transaction (which claims
    /// the key): single-statement writes check this to take the transaction path.
    public static var claimsIdempotency: Bool { IdempotencyClaim.current?.isPending ?? false }
}

/// Failures that are about the database rather than the request.
public enum DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What a write became when its deadline passed.
    public enum Outcome: Sendable, Hashable {
        /// Its transaction was cancelled or rolled back: nothing was written.
        case notCommitted
        /// A single statement may still have committed after the answer.
        case uncertain
    }

    /// No answer within the request's deadline.
    case deadlineExceeded(Outcome)

    /// Unreachable or too slow: a 503, the request may be retried.
    public var isUnavailable: Bool {
        switch self {
        case .unavailable, .deadlineExceeded: true
        default: false
        }
    }
    /// Unreachable, refusing connections, restarting, or too slow: the request may be retried.
    case unavailable(String)
    /// The database answered something the code does not expect: a bug or a schema drift.
    case unexpected(String)
    /// A value the database refused (SQLSTATE class 22: format or range) that the domain let through.
    case invalidValue(String)
    /// A unique constraint lost to a concurrent write (23505): retrying may succeed.
    case conflict(String)
    /// A CHECK, NOT NULL or foreign-key constraint refused the write (class 23), by name.
    case constraintViolation(constraint: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "database unavailable: \(reason)"
        case .deadlineExceeded(let outcome): "no answer within the deadline (\(outcome == .notCommitted ? "not committed" : "outcome uncertain"))"
        case .unexpected(let what): "unexpected database answer: \(what)"
        case .invalidValue(let what): "value refused by the database: \(what)"
        case .conflict(let what): "concurrent write conflict: \(what)"
        case .constraintViolation(let constraint): "constraint violated: \(constraint)"
        }
    }

    /// Unwraps transaction errors and maps connection-level failures to `.unavailable`;
    /// anything else (a constraint, a domain error thrown inside a transaction) passes through.
    static func classify(_ error: any Error) -> any Error {
        switch error {
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return classify(inner) }
            if let inner = error.beginError ?? error.commitError { return classify(inner) }
            return error
        case is DatabaseError, is CancellationError:
            return error
        case let error as PSQLError:
            return classify(error)
        default:
            // The pool's own errors (circuit breaker, …) come from a module PostgresNIO does not
            // export under a stable name: recognised by type name rather than importing it.
            if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") {
                return DatabaseError.unavailable("connection pool: \(error)")
            }
            return error
        }
    }

    /// A PostgresNIO error that `classify` left as it was: the database's, but of no known kind.
    static func isDriverError(_ error: any Error) -> Bool {
        error is PSQLError || error is PostgresTransactionError || error is PostgresDecodingError
    }

    private static func classify(_ error: PSQLError) -> any Error {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
             .sslUnsupported, .failedToAddSSLHandler:
            return DatabaseError.unavailable("\(error.code)")
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08: connection exception; 57P: operator intervention (shutdown, cannot connect now);
            // 53300: too many connections.
            // 57014: our statement_timeout cancelled it (its transaction rolls back).
            if state == "57014" { return DatabaseError.deadlineExceeded(.notCommitted) }
            if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
                return DatabaseError.unavailable("server said \(state)")
            }
            let message = error.serverInfo?[.message] ?? state
            if state.hasPrefix("22") { return DatabaseError.invalidValue(message) }
            if state == "23505" { return DatabaseError.conflict(error.serverInfo?[.constraintName] ?? message) }
            if state.hasPrefix("23") { return DatabaseError.constraintViolation(constraint: error.serverInfo?[.constraintName] ?? "contrainte") }
            return error
        default:
            return error
        }
    }
}

extension PSQLError {
    /// The SQLSTATE of a server error, if this is one.
    var sqlState: String? { self.code == .server ? self.serverInfo?[.sqlState] : nil }
}
