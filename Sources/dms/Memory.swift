import ArgumentParser
import DMSStore
import Foundation

struct Memory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect the memory (the append-only, hash-chained event log).",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every event's hash and report the first broken link. Exit 0 when intact, 1 otherwise.")

        @OptionGroup var db: DatabaseOptions

        @Option(name: .customLong("case"), help: "Verify only this case's chain.")
        var caseID: String?

        func run() async throws {
            let logger = try Logs.make()
            let only: UUID? = try caseID.map { raw in
                guard let id = UUID(uuidString: raw) else { throw ValidationError("--case must be a case id (UUID)") }
                return id
            }
            let (report, market) = try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
                let log = EventLog(database: database)
                let report = try await log.verify(caseID: only, logger: logger)
                return (report, only == nil ? try await log.verifyMarket(logger: logger) : nil)
            }
            if let broken = report.firstBreak {
                print("BROKEN case \(report.breakCaseID.map { $0.uuidString.lowercased() } ?? "?"): \(broken)")
                throw ExitCode(1)
            }
            if let broken = market?.firstBreak {
                print("BROKEN market subject \(market?.breakCaseID.map { $0.uuidString.lowercased() } ?? "?"): \(broken)")
                throw ExitCode(1)
            }
            let marketText = market.map { "; market \($0.events) events, head \($0.head ?? "-") (\($0.chains) chains)" } ?? ""
            print("OK \(report.events) events, head \(report.head ?? "-") (\(report.chains) chains)\(marketText)")
        }
    }
}
