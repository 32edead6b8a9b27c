import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs `operation` but answers by `timeout` whatever it does: the caller gets `onTimeout()`
/// while a stuck operation (a query on a half-dead connection, say) is cancelled and left to
/// finish on its own. A task group would instead wait for the stuck child before returning,
/// which is exactly the hang a deadline is there to prevent.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            let work = Task { outcome.finish(with: await Result(catching: operation)) }
            // The timer is an event loop's scheduled task (no second Swift task, no sleeping
            // thread): cancelled as soon as the work finishes.
            let components = timeout.components
            let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {
                if outcome.finish(with: .failure(onTimeout())) { work.cancel() }
            }
            outcome.start(continuation, onFinish: { work.cancel(); timer.cancel() })
        }
    } onCancel: {
        outcome.finish(with: .failure(CancellationError()))
    }
}

/// Resumes the continuation exactly once, with whichever of result, timeout or cancellation comes first.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var onFinish: (@Sendable () -> Void)?
        var done = false
    }

    private let state = NIOLockedValueBox(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, onFinish: @escaping @Sendable () -> Void) {
        let early: Result<T, any Error>? = self.state.withLockedValue { state in
            if let early = state.early { return early }
            state.continuation = continuation
            state.onFinish = onFinish
            return nil
        }
        if let early {
            onFinish()
            continuation.resume(with: early)
        }
    }

    /// True if this call decided the outcome.
    @discardableResult
    func finish(with result: Result<T, any Error>) -> Bool {
        let taken: (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?)? = self.state.withLockedValue { state in
            guard !state.done else { return nil }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return (nil, nil)
            }
            state.continuation = nil
            defer { state.onFinish = nil }
            return (continuation, state.onFinish)
        }
        guard let taken else { return false }
        taken.1?()
        taken.0?.resume(with: result)
        return true
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
