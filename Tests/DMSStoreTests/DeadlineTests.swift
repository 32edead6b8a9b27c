@testable import DMSStore
import Testing

@Suite("Request deadline")
struct DeadlineTests {
    struct TimedOut: Error {}

    @Test("an operation that never finishes and ignores cancellation still yields the timeout error")
    func stuck() async {
        await #expect(throws: TimedOut.self) {
            try await withDeadline(.milliseconds(50), onTimeout: { TimedOut() }) {
                // Never resumed: a query whose connection died without telling anyone.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            }
        }
    }

    @Test("a quick operation's result and error pass through")
    func passThrough() async throws {
        #expect(try await withDeadline(.seconds(10), onTimeout: { TimedOut() }) { 42 } == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await withDeadline(.seconds(10), onTimeout: { TimedOut() }) { throw Boom() }
        }
    }

    @Test("cancelling the caller cancels the wait")
    func cancelled() async {
        let task = Task {
            try await withDeadline(.seconds(60), onTimeout: { TimedOut() }) {
                try await Task.sleep(for: .seconds(60))
            }
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
