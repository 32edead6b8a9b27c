import ArgumentParser
import DMSApp
import DMSCore
import DMSStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts (against $DATABASE_URL).",
        subcommands: [Create.self, List.self, Disable.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account. The password is read from the first line of standard input, or asked for without echo on a terminal; never from the command line.")

        @OptionGroup var db: DatabaseOptions
        @Argument(help: "E-mail address (unique, any case).") var email: String
        @Option(help: "Display name, recorded on every event the account writes.") var name: String
        @Option(name: .customLong("role"), help: "agent, comite or admin; repeat for several.") var roles: [String] = []

        func run() async throws {
            let password = try Password.read(prompt: "Mot de passe pour \(email) : ")
            let logger = try Logs.make()
            let user = try await withUseCases(db) { app in
                try await app.users.create(email: email, name: name, roles: roles, password: password, logger: logger)
            }
            print("created \(user.id.uuidString.lowercased()) \(user.email) [\(user.roles.sorted().map(\.rawValue).joined(separator: ","))]")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts: id, e-mail, name, roles, active.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let logger = try Logs.make()
            let users = try await withUseCases(db) { app in try await app.users.list(logger: logger) }
            for user in users {
                let roles = user.roles.sorted().map(\.rawValue).joined(separator: ",")
                print("\(user.id.uuidString.lowercased())\t\(user.email)\t\(user.displayName)\t\(roles)\t\(user.active ? "active" : "disabled")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its tokens and sessions stop working at once.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "E-mail address.") var email: String

        func run() async throws {
            let logger = try Logs.make()
            let user = try await withUseCases(db) { app in try await app.users.disable(email: email, logger: logger) }
            print("disabled \(user.email)")
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for an account and print it alone on standard output (shown once).")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The account's e-mail.") var email: String
        @Option(help: "A label, e.g. the script that uses it.") var name: String
        @Option(name: .customLong("expires-in-days"), help: "Days until it stops working (default: never).") var expiresInDays: Int?

        func run() async throws {
            let logger = try Logs.make()
            let (_, secret) = try await withUseCases(db) { app in
                try await app.tokens.create(email: email, name: name, expiresInDays: expiresInDays, logger: logger)
            }
            print(secret)
        }
    }
}

/// The use cases over a short-lived pool, for one command; domain errors become one line.
func withUseCases<T: Sendable>(_ db: DatabaseOptions, _ body: @escaping @Sendable (UseCases) async throws -> T) async throws -> T {
    let logger = try Logs.make()
    do {
        return try await withDatabase(try db.database(), pool: try db.pool(), logger: logger) { database in
            try await body(UseCases(database: database))
        }
    } catch let error as DMSCore.ValidationError {
        throw CommandFailure(error.description)
    } catch let error as AccountError {
        switch error {
        case .emailTaken(let email): throw CommandFailure("an account already exists for \(email)")
        case .unknownUser(let email): throw CommandFailure("no active account for \(email)")
        case .unknownToken: throw CommandFailure("unknown token")
        }
    }
}

/// A refusal worth one line (no usage text): the input was read, the database said no.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Password {
    /// The first line of standard input, or a prompt without echo on a terminal.
    static func read(prompt: String) throws -> String {
        if isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true) else { throw CommandFailure("no password on standard input") }
            return line
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        var settings = termios()
        tcgetattr(STDIN_FILENO, &settings)
        var silent = settings
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
