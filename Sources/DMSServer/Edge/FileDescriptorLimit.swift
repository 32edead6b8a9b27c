#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Each connection is a file descriptor: a process out of them cannot even accept the connection
/// it would refuse with a 503. At start, the soft limit is raised toward the hard one (as nginx's
/// `worker_rlimit_nofile` does) so that `DMS_MAX_CONNECTIONS` fits; if even the hard limit is too
/// low, a warning says what to change.
public enum FileDescriptorLimit {
    /// Descriptors besides the served connections: the pool, the listener, files, refused connections.
    static let reserve = 256

    public static func raise(toServe maxConnections: Int, logger: Logger) {
        let needed = rlim_t(maxConnections + self.reserve)
        var limit = rlimit()
        guard getrlimit(self.resource, &limit) == 0 else { return }
        let before = limit.rlim_cur
        if limit.rlim_cur < needed {
            limit.rlim_cur = min(needed, limit.rlim_max)
            if setrlimit(self.resource, &limit) == 0 {
                logger.info("open-file limit raised for DMS_MAX_CONNECTIONS", metadata: ["from": "\(before)", "to": "\(limit.rlim_cur)"])
            } else {
                limit.rlim_cur = before
            }
        }
        if limit.rlim_cur < needed {
            logger.warning("open-file limit too low for DMS_MAX_CONNECTIONS: raise `ulimit -n` (LimitNOFILE=, --ulimit nofile=) or lower DMS_MAX_CONNECTIONS", metadata: [
                "limit": "\(limit.rlim_cur)", "needed": "\(needed)", "max_connections": "\(maxConnections)",
            ])
        }
    }

    #if canImport(Glibc)
    private static var resource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
    #else
    private static var resource: Int32 { RLIMIT_NOFILE }
    #endif
}
