import CoreMetrics

/// What the database calls are doing, counted in this wrapper: PostgresNIO's pool keeps its own
/// figures to itself. A single statement (`Database.run` with `client.query`) leases its connection
/// inside PostgresNIO, out of sight, so it shows in `dms_db_calls_in_flight` only; a transaction
/// or a snapshot leases one connection explicitly for its whole life, so its wait and its use are
/// measured exactly.
struct DatabaseMetrics: Sendable {
    /// Callers inside a database call, waiting for a connection or using one.
    let callsInFlight: Meter
    /// Connections held by transactions and snapshots.
    let connectionsInUse: Meter
    /// Transactions and snapshots that asked the pool for a connection and do not have it yet.
    let waiting: Meter
    private let errors: [String: Counter]

    static let names = (callsInFlight: "dms_db_calls_in_flight", connectionsInUse: "dms_db_pool_connections_in_use",
                        waiting: "dms_db_pool_waiting", errors: "dms_db_errors_total")
    /// The `kind` label of `dms_db_errors_total`: `DatabaseError`'s cases, `other` for a driver error left unclassified.
    static let errorKinds = ["unavailable", "conflict", "constraint", "invalid_value", "unexpected", "other"]

    init(factory: any MetricsFactory) {
        self.callsInFlight = Meter(label: Self.names.callsInFlight, factory: factory)
        self.connectionsInUse = Meter(label: Self.names.connectionsInUse, factory: factory)
        self.waiting = Meter(label: Self.names.waiting, factory: factory)
        // Made up front so every kind reads 0 before the first error (a rate needs a starting point).
        self.errors = Dictionary(uniqueKeysWithValues: Self.errorKinds.map { kind in
            (kind, Counter(label: Self.names.errors, dimensions: [("kind", kind)], factory: factory))
        })
    }

    /// Counts a failed call by what went wrong; an error that is not the database's (a domain
    /// error thrown inside a transaction, a cancellation) is not counted.
    func failed(_ error: any Error) {
        let kind: String
        switch error {
        case DatabaseError.unavailable, DatabaseError.deadlineExceeded: kind = "unavailable"
        case DatabaseError.conflict: kind = "conflict"
        case DatabaseError.constraintViolation: kind = "constraint"
        case DatabaseError.invalidValue: kind = "invalid_value"
        case DatabaseError.unexpected: kind = "unexpected"
        default:
            guard DatabaseError.isDriverError(error) else { return }
            kind = "other"
        }
        self.errors[kind]?.increment()
    }
}
