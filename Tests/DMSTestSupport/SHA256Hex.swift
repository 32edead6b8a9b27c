import DMSCore
import Foundation

public enum SHA256Hex {
    public static func of(_ data: Data) -> String {
        var hasher = ContentHasher()
        data.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }
}
