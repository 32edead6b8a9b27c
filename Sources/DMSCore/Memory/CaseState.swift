/// A case and its current analysis read together, from one committed state.
public struct CaseState: Sendable, Hashable {
    public let detail: CaseDetail
    public let analysis: CaseAnalysis?

    public init(detail: CaseDetail, analysis: CaseAnalysis?) {
        self.detail = detail
        self.analysis = analysis
    }
}

extension CaseDetail {
    /// The events that record a report of the case rather than a change of it.
    static let reportEventTypes: Set<String> = [EventType.reportIssued.rawValue, EventType.cbaGenerated.rawValue, EventType.pvGenerated.rawValue]

    /// The case's last event other than report events: the state that reports and OCDS releases
    /// describe. Issuing a report does not change the case, so it does not make a new state.
    public var stateEvent: Event? {
        self.events.last { !Self.reportEventTypes.contains($0.type) }
    }
}
