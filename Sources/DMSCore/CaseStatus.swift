/// Where a case stands. `decided` is final: the committee's decision is never reopened.
public enum CaseStatus: String, Sendable, CaseIterable {
    case open
    case analyzed
    case decided

    /// Decide is allowed from `open` or `analyzed`, never twice.
    public var canBeDecided: Bool { self != .decided }
}
