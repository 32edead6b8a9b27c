import ArgumentParser
import DMSApp
import DMSCore
import DMSStore
import Foundation
import NIOCore

/// `dms archive CASE_ID -o FILE.zip`: the auditor's archive of a case (docs/ARCHIVE.md), the
/// same bytes as `GET /api/cases/{id}/archive`.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Write a case's auditor archive (zip with its documents, reports, events, checkpoints and a Python verifier).")

    @OptionGroup var db: DatabaseOptions

    @Argument(help: "The case id (UUID).")
    var caseID: String

    @Option(name: .shortAndLong, help: "The zip file to write (default: DMS-archive-<id>.zip in the current directory).")
    var output: String?

    func run() async throws {
        guard let id = UUID(uuidString: self.caseID) else { throw ValidationError("CASE_ID must be a case id (UUID)") }
        let logger = try Logs.make()
        let requested = self.output
        let (path, bytes) = try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
            let archive = UseCases(database: database).archive
            let plan: ExportArchive.Plan
            do {
                plan = try await archive.prepare(caseID: id, logger: logger)
            } catch CaseError.notFound {
                throw ValidationError("no case \(id.uuidString.lowercased()) in this database")
            }
            let path = requested ?? plan.filename
            let partial = path + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw ValidationError("cannot write \(partial)")
            }
            var written = 0
            do {
                try await archive.write(plan, logger: logger) { buffer in
                    try handle.write(contentsOf: buffer.readableBytesView)
                    written += buffer.readableBytes
                }
                try handle.close()
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
            return (path, written)
        }
        print("wrote \(path) (\(bytes) bytes); check it with: unzip it, then python3 verifier.py")
    }
}
