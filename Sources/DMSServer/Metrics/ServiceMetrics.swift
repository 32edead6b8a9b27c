import CoreMetrics
import DMSStore
import HTTPTypes
import Prometheus

/// The application's metrics, in a registry it owns — not the process-wide `MetricsSystem`, which
/// can be bootstrapped once per process: tests run many applications side by side, each with its
/// own figures. The layers below record into the same registry through `factory`.
struct ServiceMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let unavailable: Prometheus.Counter

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.unavailable = registry.makeCounter(descriptor: MetricCatalog.descriptor("dms_http_responses_503_total"))
    }

    /// swift-metrics handlers for the database wrapper and the use cases.
    var factory: any MetricsFactory { RegistryMetricsFactory(registry: self.registry) }

    /// The methods a label may name; any other is `other`, so a client cannot add series at will.
    private static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    /// One answered request. `route` is the router's template (`/api/cases/{id}`), never the path
    /// asked: ids in labels would make a series per case.
    func request(method: HTTPRequest.Method, route: String?, status: Int, duration: Duration) {
        let method = Self.methods.contains(method) ? method.rawValue : "other"
        let route = route.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        self.registry.makeCounter(descriptor: MetricCatalog.descriptor("dms_http_requests_total"),
                                  labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        self.registry.makeDurationHistogram(descriptor: MetricCatalog.descriptor("dms_http_request_duration_seconds"),
                                            labels: [("method", method), ("route", route)], buckets: MetricCatalog.durationBuckets)
            .record(duration)
        if status == 503 { self.unavailable.increment() }
    }

    /// The exposition text: everything recorded, then the memory's figures read for this scrape
    /// (their samples left out when the database could not be read).
    func exposition(memory: MemoryProgress?) -> [UInt8] {
        var text = self.registry.emitToBuffer()
        func family(_ name: String, _ type: String, _ value: String?) {
            text.append(contentsOf: "# HELP \(name) \(MetricCatalog.help[name] ?? "")\n# TYPE \(name) \(type)\n".utf8)
            if let value { text.append(contentsOf: "\(name) \(value)\n".utf8) }
        }
        family("dms_events_appended_total", "counter", memory.map { String($0.eventsAppended) })
        family("dms_checkpoint_age_seconds", "gauge", memory?.checkpointAge.map { String($0) })
        return text
    }
}
