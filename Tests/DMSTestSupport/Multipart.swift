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

    /// Whether the app reads scanned PDFs here (Tesseract and pdftoppm installed; optional).
    public static var ocrAvailable: Bool {
        ["/usr/bin/tesseract", "/usr/bin/pdftoppm"].allSatisfy(FileManager.default.isExecutableFile(atPath:))
    }

    /// `expected.json`. It describes the scanned offer as unread (`REVUE MANUELLE`); with OCR
    /// installed, that offer is what Tesseract reads instead, marked `"ocr": true` (every value `low`).
    public static func expected() throws -> [String: Any] {
        guard var expected = try JSONSerialization.jsonObject(with: try self.data("expected.json")) as? [String: Any] else { return [:] }
        guard self.ocrAvailable, let offers = expected["offers"] as? [[String: Any]] else { return expected }
        expected["offers"] = offers.map { offer in
            guard offer["scanned_no_text_layer"] as? Bool == true else { return offer }
            return [
                "files": offer["files"] ?? [], "ocr": true, "supplier_contains": "BARA KA", "total_amount": 12_900_000, "currency": "XOF",
                "tax": "TTC", "delivery_days": 21, "validity_days": "REVUE MANUELLE",
            ]
        }
        return expected
    }
}
