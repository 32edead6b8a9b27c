import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Builds `multipart/form-data` bodies the way browsers and curl send them.
public struct MultipartBody {
    public static let boundary = "----dms-test-boundary-7MA4YWxkTrZu0gW"

    public var parts: [(field: String, filename: String?, contentType: String, data: Data)] = []

    public init() {}

    public init(file data: Data, filename: String?, field: String = "file", contentType: String = "application/octet-stream") {
        self.parts = [(field, filename, contentType, data)]
    }

    public mutating func add(_ data: Data, filename: String?, field: String = "file", contentType: String = "application/octet-stream") {
        self.parts.append((field, filename, contentType, data))
    }

    public var buffer: ByteBuffer {
        var buffer = ByteBuffer()
        for part in self.parts {
            buffer.writeString("--\(Self.boundary)\r\n")
            var disposition = "Content-Disposition: form-data; name=\"\(part.field)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename.replacingOccurrences(of: "\"", with: "\\\""))\"" }
            buffer.writeString("\(disposition)\r\nContent-Type: \(part.contentType)\r\n\r\n")
            buffer.writeBytes(part.data)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(Self.boundary)--\r\n")
        return buffer
    }

    public var headers: HTTPFields {
        [.contentType: "multipart/form-data; boundary=\(Self.boundary)"]
    }
}

extension TestClientProtocol {
    /// Uploads one or several files to `/api/upload/{case}/{kind}`.
    @discardableResult
    public func upload(_ body: MultipartBody, case id: String, kind: String = "offer") async throws -> TestResponse {
        try await self.execute(uri: "/api/upload/\(id)/\(kind)", method: .post, headers: body.headers, body: body.buffer)
    }
}

/// The French tender documents shipped beside the repository (`../shared/fixtures`).
public enum SharedFixtures {
    public static var folder: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/DMSTestSupport/Multipart.swift → repository
        return url.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: self.folder.appendingPathComponent(name))
    }
}
