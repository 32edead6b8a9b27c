import CoreMetrics
import Prometheus

/// Every metric the service exposes and what it means (its HELP line), in one list: the registry
/// refuses a name made twice with two texts, so each name takes its text from here wherever it is made.
enum MetricCatalog {
    static let help: [String: String] = [
        "dms_http_requests_total": "HTTP requests answered, by method, route template and status.",
        "dms_http_request_duration_seconds": "Time from the request's arrival to its response's head, by method and route template.",
        "dms_http_responses_503_total": "Requests answered 503 (database unavailable or too slow).",
        "dms_http_connections_open": "HTTP connections open and served (at most DMS_MAX_CONNECTIONS).",
        "dms_http_connections_refused_total": "Connections answered 503 at once because DMS_MAX_CONNECTIONS were open.",
        "dms_http_connections_timed_out_total": "Connections closed because the client was too slow, by rule: header (DMS_HEADER_TIMEOUT_S), idle (DMS_IDLE_TIMEOUT_S), body (below DMS_BODY_MIN_BYTES_PER_S).",
        "dms_upload_bytes_total": "Bytes of uploaded documents stored (a file already in the case counts once).",
        "dms_analysis_duration_seconds": "Time of each completed analysis: reading the documents, extracting, storing.",
        "dms_db_calls_in_flight": "Callers inside a database call, waiting for a pooled connection or using one.",
        "dms_db_pool_connections_in_use": "Pooled connections held by transactions and snapshots (single statements lease theirs inside the driver and are not counted).",
        "dms_db_pool_waiting": "Transactions and snapshots waiting for a pooled connection.",
        "dms_db_errors_total": "Failed database calls, by kind (unavailable, conflict, constraint, invalid_value, unexpected, other).",
        "dms_events_appended_total": "Memory events appended: the last event id, read from PostgreSQL at scrape time.",
        "dms_checkpoint_age_seconds": "Seconds since the last memory checkpoint was sealed, read at scrape time; absent when there is none.",
    ]

    /// 1 ms … 10 s: a case read takes a few milliseconds, an analysis or a CBA up to seconds.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: self.help[name] ?? "")
    }
}

/// swift-metrics handlers for the layers below the server (the database wrapper, the use cases),
/// made in the application's own registry with the catalog's HELP line and buckets.
struct RegistryMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        self.registry.makeCounter(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        self.registry.makeGauge(descriptor: MetricCatalog.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // Nothing in DMS records plain values today: the library's defaults, without a HELP line.
        PrometheusMetricsFactory(registry: self.registry).makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        self.registry.makeDurationHistogram(descriptor: MetricCatalog.descriptor(label), labels: dimensions,
                                            buckets: MetricCatalog.durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { self.registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { self.registry.unregisterCounter(counter) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { self.registry.unregisterGauge(gauge) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        PrometheusMetricsFactory(registry: self.registry).destroyRecorder(handler)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { self.registry.unregisterDurationHistogram(histogram) }
    }
}
