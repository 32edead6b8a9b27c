import ArgumentParser
import DMSStore
import Foundation

struct Memory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect the memory (the append-only, hash-chained event log).",
        subcommands: [Verify.self, Checkpoint.self])

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
            let (report, market, sealed) = try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
                let log = EventLog(database: database)
                let report = try await log.verify(caseID: only, logger: logger)
                guard only == nil else { return (report, nil as EventLog.Report?, nil as EventLog.CheckpointReport?) }
                return (report, try await log.verifyMarket(logger: logger), try await log.verifyCheckpoints(logger: logger))
            }
            if let broken = report.firstBreak {
                print("BROKEN case \(report.breakCaseID.map { $0.uuidString.lowercased() } ?? "?"): \(broken)")
                throw ExitCode(1)
            }
            if let broken = market?.firstBreak {
                print("BROKEN market subject \(market?.breakCaseID.map { $0.uuidString.lowercased() } ?? "?"): \(broken)")
                throw ExitCode(1)
            }
            if let broken = sealed?.firstBreak {
                print("BROKEN checkpoints: \(broken)")
                throw ExitCode(1)
            }
            let marketText = market.map { "; market \($0.events) events, head \($0.head ?? "-") (\($0.chains) chains)" } ?? ""
            let sealedText = sealed.map { report in
                report.checkpoints == 0 ? "; no checkpoint yet"
                    : "; \(report.checkpoints) checkpoints, latest \(report.latest ?? "-"), \(report.sealedCases) case heads found as sealed"
            } ?? ""
            print("OK \(report.events) events, head \(report.head ?? "-") (\(report.chains) chains)\(marketText)\(sealedText)")
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal the memory now: one checkpoint of every case head that grew since the last one (waits for a sealer already at work).")

        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let logger = try Logs.make()
            let sealed = try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
                try await CheckpointRepository(database: database).seal(wait: true, by: .cli, logger: logger)
            }
            if let sealed {
                print("sealed checkpoint \(sealed.seq): \(sealed.hash) (\(sealed.headCount) case heads, \(sealed.sealedAt))")
            } else {
                print("nothing to seal: no case changed since the last checkpoint")
            }
        }
    }
}
