import ArgumentParser
import DMSApp
import DMSCore
import DMSDocuments
import DMSStore
import Foundation

struct MarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market", abstract: "Couche B: the market memory (against $DATABASE_URL).", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a price list (official mercuriale or survey sheet, CSV or XLSX) as proposed market signals.",
            discussion: """
                The first sheet (XLSX) or the file (CSV, `;` or `,`) needs a header row with at least the columns \
                « article » and « prix », and « unité », « lieu », « date » unless --place / --date give them for every \
                line; « devise », « fournisseur », « note » are optional. Names are looked up in the catalogs like the \
                API does (spelling-tolerant); a line whose names are unknown is reported with the closest entries and \
                skipped. Good lines are imported in one transaction per batch. A line imported before (same item, unit, \
                price, place, vendor, date) is not imported again, so the same file twice imports nothing new. Every \
                signal starts `proposed`, for an admin to validate. Exit status: 0 when every line was imported or \
                already known, 2 when some lines were refused (listed on standard output).
                """)

        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The CSV or XLSX file.") var file: String
        @Option(name: .customLong("as"), help: "E-mail of the account the signals are proposed by (agent or admin).") var account: String
        @Option(help: "Place for lines without a « lieu » column (a market, commune, cercle or région).") var place: String?
        @Option(help: "Observation date (YYYY-MM-DD) for lines without a « date » column.") var date: String?
        @Option(help: "What the file is, recorded on each signal (default: the file name), e.g. « Mercuriale DNCC T3 2026 ».") var source: String?
        @Option(help: "Lines per transaction.") var batch: Int = 500

        func validate() throws {
            guard (1...5_000).contains(self.batch) else { throw ValidationError("--batch must be between 1 and 5000") }
        }

        func run() async throws {
            let url = URL(fileURLWithPath: self.file)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw CommandFailure("cannot read \(self.file)") }
            let rows: [[String]]
            do {
                rows = data.starts(with: [0x50, 0x4B, 0x03, 0x04])
                    ? try SpreadsheetGrid.rows(xlsx: data)
                    : CSVReader.rows(String(decoding: data, as: UTF8.self))
            } catch {
                throw CommandFailure("\(self.file): not a readable XLSX or CSV file (\(error))")
            }
            let table: PriceListTable
            do { table = try PriceListTable(rows: rows) } catch { throw CommandFailure("\(self.file): \(error.message)") }
            let lines = table.lines(rows, place: self.place, observedOn: self.date, source: self.source ?? url.lastPathComponent, today: Today.iso())
            let logger = try Logs.make()
            let batch = self.batch
            let account = self.account
            let progress = Progress(total: lines.count)
            let summary = try await withUseCases(self.db) { app in
                let actor = try await app.users.principal(email: account, logger: logger)
                var summary = ImportSummary()
                for chunk in stride(from: 0, to: lines.count, by: batch).map({ Array(lines[$0..<min($0 + batch, lines.count)]) }) {
                    var good: [(Int, NewSignal)] = []
                    for (row, result) in chunk {
                        switch result {
                        case .success(let signal): good.append((row, signal))
                        case .failure(let error): summary.refused.append((row, error.description))
                        }
                    }
                    let outcomes = try await app.market.importBatch(good.map(\.1), actor: actor, logger: logger)
                    for ((row, _), outcome) in zip(good, outcomes) {
                        switch outcome {
                        case .imported: summary.imported += 1
                        case .duplicate: summary.duplicates += 1
                        case .refused(let why): summary.refused.append((row, why))
                        }
                    }
                    progress.advance(by: chunk.count)
                }
                return summary
            }
            progress.finish()
            for (row, why) in summary.refused.sorted(by: { $0.0 < $1.0 }) { print("ligne \(row) : \(why)") }
            print("\(summary.imported) relevé(s) importé(s) (proposés, à valider), \(summary.duplicates) déjà connu(s), \(summary.refused.count) ligne(s) refusée(s) sur \(lines.count)")
            if !summary.refused.isEmpty { throw ExitCode(2) }
        }
    }
}

struct ImportSummary: Sendable {
    var imported = 0
    var duplicates = 0
    var refused: [(Int, String)] = []
}

/// A progress bar on standard error, redrawn in place on a terminal, a line per tenth otherwise.
final class Progress: @unchecked Sendable {
    let total: Int
    private var done = 0
    private var lastTenth = -1
    private let terminal = isatty(2) == 1

    init(total: Int) {
        self.total = total
    }

    func advance(by count: Int) {
        self.done += count
        let fraction = self.total == 0 ? 1 : Double(self.done) / Double(self.total)
        if self.terminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(self.done)/\(self.total) lignes".utf8))
        } else if Int(fraction * 10) > self.lastTenth {
            self.lastTenth = Int(fraction * 10)
            FileHandle.standardError.write(Data("\(self.done)/\(self.total) lignes\n".utf8))
        }
    }

    func finish() {
        if self.terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
