import PostgresNIO

/// Builds a statement whose WHERE clause depends on which filters are present, every value still
/// a bound parameter. Absent filters are left out of the SQL rather than written as
/// `$n IS NULL OR …`: PostgreSQL cannot fold a text-to-timestamptz cast at plan time, so such an
/// OR would keep a keyset condition out of the index and scan the table.
struct SQLBuilder {
    private(set) var sql: String
    private var binds = PostgresBindings()

    init(_ sql: String) {
        self.sql = sql
    }

    /// Binds `value` and returns its placeholder (`$1`, `$2`, …).
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        self.binds.append(value)
        return "$\(self.binds.count)"
    }

    mutating func append(_ fragment: String) {
        self.sql += fragment
    }

    var query: PostgresQuery {
        PostgresQuery(unsafeSQL: self.sql, binds: self.binds)
    }
}
