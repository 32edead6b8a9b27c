import CoreMetrics
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What every connection of one server shares: the limits, the count of connections served
/// against `DMS_MAX_CONNECTIONS`, the canned 503 for those beyond, and the figures
/// (`dms_http_connections_*`).
final class EdgeGate: Sendable {
    let limits: EdgeLimits
    private let open = NIOLockedValueBox(0)
    /// The last "connection limit reached" warning: at most one every `warningInterval`.
    private let lastWarning = NIOLockedValueBox<(at: NIODeadline, refusedSince: Int)?>(nil)
    private static let warningInterval = TimeAmount.seconds(10)
    private let openGauge: Meter
    private let refused: Counter
    private let timeouts: [ConnectionTimeline.Expiry: Counter]
    private let logger: Logger

    init(limits: EdgeLimits, metrics: any MetricsFactory, logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.openGauge = Meter(label: "dms_http_connections_open", factory: metrics)
        self.refused = Counter(label: "dms_http_connections_refused_total", factory: metrics)
        self.timeouts = Dictionary(uniqueKeysWithValues: ConnectionTimeline.Expiry.allCases.map { rule in
            (rule, Counter(label: "dms_http_connections_timed_out_total", dimensions: [("rule", rule.rawValue)], factory: metrics))
        })
    }

    /// Connections admitted that have not yet sent a whole request head, oldest first when full.
    private let headless = NIOLockedValueBox<[ObjectIdentifier: (channel: any Channel, since: NIODeadline)]>([:])

    /// A new connection is served if there is room. When the count is at `DMS_MAX_CONNECTIONS`,
    /// the oldest connection that has not yet sent a whole request head is closed to make room
    /// (a flood of half-open connections must not lock live clients out); only when every open
    /// connection has sent one is the new one refused. The caller calls `release` once it closes.
    func admit(_ channel: any Channel) -> Bool {
        var evicted: (any Channel)?
        let admitted = self.open.withLockedValue { count in
            if count < self.limits.maxConnections {
                count += 1
                return true
            }
            evicted = self.headless.withLockedValue { waiting in
                guard let oldest = waiting.min(by: { $0.value.since < $1.value.since }) else { return nil }
                waiting[oldest.key] = nil
                return oldest.value.channel
            }
            guard evicted != nil else { return false }
            count += 1   // the evicted one's release follows
            return true
        }
        if let evicted {
            self.timeouts[.header]?.increment()
            evicted.close(promise: nil)
        }
        if admitted {
            self.headless.withLockedValue { $0[ObjectIdentifier(channel)] = (channel, .now()) }
        }
        if admitted {
            self.openGauge.increment()
        } else {
            self.refused.increment()
            self.warnRefusal()
        }
        return admitted
    }

    /// The connection sent a whole request head: it is a live client, never evicted.
    func served(_ channel: any Channel) {
        self.headless.withLockedValue { $0[ObjectIdentifier(channel)] = nil }
    }

    func release(_ channel: any Channel) {
        self.headless.withLockedValue { $0[ObjectIdentifier(channel)] = nil }
        self.open.withLockedValue { $0 -= 1 }
        self.openGauge.decrement()
    }

    /// The connection was closed because its client broke `rule`.
    func timedOut(_ rule: ConnectionTimeline.Expiry, remote: SocketAddress?) {
        self.timeouts[rule]?.increment()
        self.logger.debug("connection closed: client too slow", metadata: ["rule": "\(rule.rawValue)", "remote": "\(remote?.description ?? "?")"])
    }

    /// The whole answer to a connection beyond the limit, written before any request is read: the
    /// error body every other error has, `Retry-After`, `Connection: close`.
    func refusal() -> ByteBuffer {
        let id = "conn-" + String(UInt64.random(in: .min ... .max), radix: 16)
        let body = ErrorBody(error: .init(code: "too_many_connections",
                                          message: "serveur saturé : trop de connexions ouvertes ; réessayez dans quelques secondes",
                                          field: nil, suggestions: nil, requestID: id))
        let json = (try? JSONCoding.encoder.encode(body)) ?? Data(#"{"error":{"code":"too_many_connections"}}"#.utf8)
        var buffer = ByteBuffer()
        buffer.writeString("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(json.count)\r\nRetry-After: 5\r\nX-Request-Id: \(id)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(json)
        return buffer
    }

    /// One warning line every ten seconds at most, with the count of refusals since the last one.
    private func warnRefusal() {
        let now = NIODeadline.now()
        let refused: Int? = self.lastWarning.withLockedValue { last in
            if let previous = last, now < previous.at + Self.warningInterval {
                last = (previous.at, previous.refusedSince + 1)
                return nil
            }
            defer { last = (now, 0) }
            return (last?.refusedSince ?? 0) + 1
        }
        guard let refused else { return }
        self.logger.warning("connection limit reached: new connections get 503", metadata: [
            "max_connections": "\(self.limits.maxConnections)", "refused": "\(refused)",
        ])
    }
}
