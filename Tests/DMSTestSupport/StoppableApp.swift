import DMSServer
import DMSStore
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The application on a real port, in a service group the test stops while requests are still in
/// flight — what a SIGTERM does to `dms serve` (`app.test(.live)` stops only once its body returns).
public struct StoppableApp: Sendable {
    public let port: Int
    public let database: DatabaseConfig
    private let group: ServiceGroup

    /// Starts the graceful shutdown (as SIGTERM does) and returns at once.
    public func beginShutdown() async {
        await self.group.triggerGracefulShutdown()
    }

    /// Runs `body` with the application started on a fresh database; stops it afterwards if `body`
    /// did not, and returns once it has stopped.
    public static func run(configure: (inout AppConfig) -> Void = { _ in },
                           _ body: @escaping @Sendable (StoppableApp) async throws -> Void) async throws {
        try await TestDatabase.withFresh { database in
            var config = testAppConfig(on: database)
            configure(&config)
            let app = PortReportingApp(base: try buildApplication(config, logger: TestDatabase.logger))
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: TestDatabase.logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    do {
                        try await group.run()
                    } catch {
                        app.port.complete(0)  // never started: no test waits forever
                        throw error
                    }
                }
                let port = await app.port.wait()
                guard port > 0 else { try await tasks.waitForAll(); throw TestSetupError("the application did not start") }
                let running = StoppableApp(port: port, database: database, group: group)
                do {
                    try await body(running)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

/// The application, telling which port it listens on once the server runs.
private struct PortReportingApp<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let port = PortPromise()

    var responder: Responder { get async throws { try await self.base.responder } }
    var server: HTTPServerBuilder { self.base.server }
    var eventLoopGroup: any EventLoopGroup { self.base.eventLoopGroup }
    var configuration: ApplicationConfiguration { self.base.configuration }
    var logger: Logger { self.base.logger }
    var services: [any Service] { self.base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { self.base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await self.base.onServerRunning(channel)
        self.port.complete(channel.localAddress?.port ?? 0)
    }
}

private final class PortPromise: Sendable {
    private let state = NIOLockedValueBox<(port: Int?, waiting: [CheckedContinuation<Int, Never>])>((nil, []))

    func complete(_ port: Int) {
        let waiting = self.state.withLockedValue { state in
            state.port = port
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: port) }
    }

    func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let port: Int? = self.state.withLockedValue { state in
                if state.port == nil { state.waiting.append(continuation) }
                return state.port
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
