import DMSStore

/// How long a client may take to send a request, how long an idle connection is kept, and how many
/// connections one instance serves: what keeps slow or hostile clients from holding every file
/// descriptor (`EdgeGate`, `EdgeSocketHandler`).
public struct EdgeLimits: Sendable, Equatable {
    /// `DMS_HEADER_TIMEOUT_S`: a request's header block is complete within this many seconds of
    /// its first byte (of the accept, for a new connection).
    public var headerTimeoutSeconds = 10
    /// `DMS_IDLE_TIMEOUT_S`: a keep-alive connection with no request in progress closes after this.
    public var idleTimeoutSeconds = 60
    /// `DMS_BODY_MIN_BYTES_PER_S` averaged over `DMS_BODY_RATE_WINDOW_S`: a request body slower
    /// than that is closed. A rate, not a total time: a slow but live upload finishes.
    public var bodyMinBytesPerSecond = 1024
    public var bodyRateWindowSeconds = 30
    /// `DMS_MAX_CONNECTIONS`: connections served at once; beyond, a new one gets a 503 and is closed.
    public var maxConnections = 4000

    public init() {}

    /// The listen queue: a burst of connects waits there for its accept instead of having its SYN
    /// dropped (the client then tries again only a second later). Linux caps it at
    /// `net.core.somaxconn` (4096 by default).
    var listenBacklog: Int { min(self.maxConnections, 4096) }

    /// Reads the `DMS_*` variables through `lookup` (nil: unset, the default stays).
    public init(reading lookup: (String) throws -> Int?) throws {
        self.init()
        self.headerTimeoutSeconds = try lookup("DMS_HEADER_TIMEOUT_S") ?? self.headerTimeoutSeconds
        self.idleTimeoutSeconds = try lookup("DMS_IDLE_TIMEOUT_S") ?? self.idleTimeoutSeconds
        self.bodyMinBytesPerSecond = try lookup("DMS_BODY_MIN_BYTES_PER_S") ?? self.bodyMinBytesPerSecond
        self.bodyRateWindowSeconds = try lookup("DMS_BODY_RATE_WINDOW_S") ?? self.bodyRateWindowSeconds
        self.maxConnections = try lookup("DMS_MAX_CONNECTIONS") ?? self.maxConnections
    }

    public func check() throws(ConfigError) {
        func range(_ name: String, _ value: Int, _ bounds: ClosedRange<Int>, _ unit: String) throws(ConfigError) {
            guard bounds.contains(value) else {
                throw ConfigError("\(name) must be between \(bounds.lowerBound) and \(bounds.upperBound) \(unit), got \(value)")
            }
        }
        try range("DMS_HEADER_TIMEOUT_S", self.headerTimeoutSeconds, 1...300, "seconds")
        try range("DMS_IDLE_TIMEOUT_S", self.idleTimeoutSeconds, 1...3600, "seconds")
        try range("DMS_BODY_MIN_BYTES_PER_S", self.bodyMinBytesPerSecond, 1...1_048_576, "bytes per second")
        try range("DMS_BODY_RATE_WINDOW_S", self.bodyRateWindowSeconds, 1...600, "seconds")
        try range("DMS_MAX_CONNECTIONS", self.maxConnections, 1...1_000_000, "connections")
    }
}
