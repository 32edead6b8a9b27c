import ArgumentParser
import DMSServer

@main
struct DMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dms",
        abstract: "DMS — Decision Memory System: procurement cases, their documents and the committee's decisions, on PostgreSQL.",
        version: DMSVersion.current,
        subcommands: [Serve.self, Migrate.self, Memory.self, UserCommand.self, TokenCommand.self, MarketCommand.self, ArchiveCommand.self, SealCommand.self],
        defaultSubcommand: Serve.self
    )
}
