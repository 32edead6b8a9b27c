import ArgumentParser
import DMSCore
import DMSStore
import Foundation

/// `dms seal rotate`: rewraps the cases' sealing keys after `DMS_SEAL_KEY` changes.
struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Manage the server key that seals offers before their opening session (DMS_SEAL_KEY).",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrap every case key from the previous server key (DMS_SEAL_KEY_PREVIOUS) to the new one (DMS_SEAL_KEY), in one transaction. Sealed offers are not re-encrypted: each case keeps its own key.")

        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let oldText = Env.string("DMS_SEAL_KEY_PREVIOUS"), let newText = Env.string("DMS_SEAL_KEY") else {
                throw ValidationError("set DMS_SEAL_KEY_PREVIOUS (the key in use) and DMS_SEAL_KEY (the new key)")
            }
            let old: SealKey
            let new: SealKey
            do throws(SealKey.Failure) {
                old = try SealKey(base64: oldText)
                new = try SealKey(base64: newText)
            } catch {
                throw ValidationError(error.description)
            }
            guard old.id != new.id else { throw ValidationError("DMS_SEAL_KEY_PREVIOUS and DMS_SEAL_KEY are the same key") }
            let logger = try Logs.make()
            let count = try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
                try await ProcedureRepository.rotate(from: old, to: new, database: database, logger: logger)
            }
            print("rewrapped \(count) case key(s) from key id \(old.id) to \(new.id); start the service with the new DMS_SEAL_KEY, keep the old one until then")
        }
    }
}
