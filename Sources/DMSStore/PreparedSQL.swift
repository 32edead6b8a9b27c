import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A statement whose text never changes (every value is bound). On a direct connection it is
/// prepared once per connection and only executed afterwards — PostgreSQL plans it once instead
/// of on every request. Behind a transaction-mode pooler (PgBouncer ≤ 1.20: a statement prepared
/// on one server connection may run on another) it is sent unnamed, as any other query.
protocol StaticSQL: Sendable {
    /// The statement's name on the server: short (PostgreSQL keeps 63 bytes) and unique.
    static var name: String { get }
    static var sql: String { get }
}

struct PreparedSQL<Text: StaticSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { Text.name }
    static var sql: String { Text.sql }
    let binds: PostgresBindings

    func makeBindings() throws -> PostgresBindings { self.binds }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension Database {
    /// Runs a static statement on a pooled connection, prepared or not (see `StaticSQL`).
    func rows<Text: StaticSQL>(_ text: Text.Type, _ binds: PostgresBindings, on client: PostgresClient, logger: Logger) async throws -> [PostgresRow] {
        if self.preparedStatements {
            var rows: [PostgresRow] = []
            for try await row in try await client.execute(PreparedSQL<Text>(binds: binds), logger: logger) { rows.append(row) }
            return rows
        }
        return try await client.query(PostgresQuery(unsafeSQL: Text.sql, binds: binds), logger: logger).collect()
    }

    /// The same on a connection a transaction holds.
    func rows<Text: StaticSQL>(_ text: Text.Type, _ binds: PostgresBindings, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        if self.preparedStatements {
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(PreparedSQL<Text>(binds: binds), logger: logger) { rows.append(row) }
            return rows
        }
        return try await connection.query(PostgresQuery(unsafeSQL: Text.sql, binds: binds), logger: logger).collect()
    }
}

/// A `timestamptz` read in binary (microseconds since 2000-01-01 UTC) and written as
/// `2026-11-25T17:36:34.727385+00:00` — exactly what `iso_utc()` renders, without asking
/// PostgreSQL to format it (that was most of the list query's CPU).
struct ISOTimestamp: PostgresDecodable {
    let text: String

    init(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
         context: PostgresDecodingContext<some PostgresJSONDecoder>) throws {
        guard type == .timestamptz || type == .timestamp else { throw PostgresDecodingError.Code.typeMismatch }
        switch format {
        case .binary:
            guard buffer.readableBytes == 8, let micros = buffer.readInteger(as: Int64.self) else { throw PostgresDecodingError.Code.failure }
            self.text = Self.format(microsecondsSince2000: micros)
        case .text:
            guard let string = buffer.readString(length: buffer.readableBytes) else { throw PostgresDecodingError.Code.failure }
            self.text = string
        }
    }

    static func format(microsecondsSince2000 micros: Int64) -> String {
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        var rest = micros % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        // Days since 1970-01-01, then the civil date (Howard Hinnant's algorithm).
        let z = days + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        var out = [UInt8]()
        out.reserveCapacity(32)
        func put(_ value: Int64, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var remaining = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                digits[index] = UInt8(48 + remaining % 10)
                remaining /= 10
            }
            out += digits
        }
        put(year, 4); out.append(45); put(month, 2); out.append(45); put(day, 2); out.append(84)
        put(seconds / 3_600, 2); out.append(58); put(seconds / 60 % 60, 2); out.append(58); put(seconds % 60, 2)
        out.append(46); put(fraction, 6)
        out += Array("+00:00".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
