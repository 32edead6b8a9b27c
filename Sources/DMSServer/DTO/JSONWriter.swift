import DMSCore
import Foundation
import Hummingbird
import NIOCore

/// JSON written by hand into a buffer for the hottest answers (a page of cases), byte for byte
/// what the router's `JSONEncoder` writes (sorted keys, `/` unescaped, UTF-8 as is) — tested
/// against it. Foundation's encoder was 29 % of the service's CPU on a page of 50 cases.
struct JSONWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        self.buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func raw(_ text: StaticString) {
        self.buffer.writeStaticString(text)
    }

    mutating func string(_ text: String) {
        self.buffer.writeInteger(UInt8(ascii: "\""))
        var start = text.utf8.startIndex
        let utf8 = text.utf8
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                self.buffer.writeBytes(utf8[start..<index])
                switch byte {
                case UInt8(ascii: "\""): self.buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): self.buffer.writeStaticString("\\\\")
                case 0x08: self.buffer.writeStaticString("\\b")
                case 0x0C: self.buffer.writeStaticString("\\f")
                case 0x0A: self.buffer.writeStaticString("\\n")
                case 0x0D: self.buffer.writeStaticString("\\r")
                case 0x09: self.buffer.writeStaticString("\\t")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    self.buffer.writeStaticString("\\u00")
                    self.buffer.writeInteger(hex[Int(byte >> 4)])
                    self.buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        self.buffer.writeBytes(utf8[start..<index])
        self.buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func optional(_ text: String?) {
        if let text { self.string(text) } else { self.raw("null") }
    }

    /// A case as `CaseDTO` encodes it (keys sorted).
    mutating func `case`(_ record: Case) {
        self.raw("{\"case_type\":")
        self.string(record.caseType.rawValue)
        self.raw(",\"created_at\":")
        self.string(record.createdAt.iso8601)
        self.raw(",\"id\":")
        self.string(record.id.uuidString.lowercased())
        self.raw(",\"lot\":")
        self.optional(record.lot)
        self.raw(",\"status\":")
        self.string(record.status.rawValue)
        self.raw(",\"title\":")
        self.string(record.title)
        self.raw(",\"updated_at\":")
        self.string(record.updatedAt.iso8601)
        self.raw("}")
    }

    static func response(_ writer: JSONWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(writer.buffer.readableBytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: writer.buffer))
    }
}

/// `GET /api/cases`: `{items, next_cursor}`, written by hand.
struct CasePageJSON: ResponseGenerator {
    let page: Page<Case>

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter(capacity: 96 + self.page.items.count * 320)
        writer.raw("{\"items\":[")
        for (index, record) in self.page.items.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.case(record)
        }
        writer.raw("],\"next_cursor\":")
        writer.optional(self.page.nextCursor)
        writer.raw("}")
        return JSONWriter.response(writer)
    }
}

/// `POST /api/cases`: 201 with the case and its `Location`, written by hand.
struct CreatedCaseJSON: ResponseGenerator {
    let record: Case

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter(capacity: 400)
        writer.case(self.record)
        return JSONWriter.response(writer, status: .created, headers: [.location: "/api/cases/\(self.record.id.uuidString.lowercased())"])
    }
}
