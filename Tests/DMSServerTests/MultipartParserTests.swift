@testable import DMSServer
import DMSTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Streaming multipart parser")
struct MultipartParserTests {
    /// Feeds `body` in chunks of `size` bytes and returns (headers, bytes) per part.
    func parse(_ body: ByteBuffer, chunk size: Int) throws -> (parts: [([String: String], [UInt8])], complete: Bool) {
        var parser = MultipartStreamParser(boundary: MultipartBody.boundary)
        var parts: [([String: String], [UInt8])] = []
        var headers: [String: String] = [:]
        var bytes: [UInt8] = []
        var rest = body
        while rest.readableBytes > 0 {
            let slice = rest.readSlice(length: min(size, rest.readableBytes))!
            try parser.feed(slice) { event in
                switch event {
                case .headers(let h): headers = h
                case .body(let b): bytes += b.readableBytesView
                case .partEnd:
                    parts.append((headers, bytes))
                    bytes = []
                }
            }
        }
        return (parts, parser.isComplete)
    }

    @Test("parts come out identical whatever the chunking, delimiters split anywhere", arguments: [1, 2, 3, 7, 31, 64, 1000, 1 << 20])
    func chunking(size: Int) throws {
        var body = MultipartBody()
        let binary = Data((0..<3000).map { UInt8($0 % 256) }) + Data("\r\n--almost-a-boundary\r\n-".utf8)
        body.add(binary, filename: "a.pdf")
        body.add(Data(), filename: "empty.pdf", field: "files")
        body.add(Data("commentaire".utf8), filename: nil, field: "note")
        let (parts, complete) = try self.parse(body.buffer, chunk: size)
        #expect(complete)
        #expect(parts.count == 3)
        #expect(parts[0].1 == [UInt8](binary))
        #expect(parts[0].0["content-disposition"] == #"form-data; name="file"; filename="a.pdf""#)
        #expect(parts[1].1.isEmpty)
        #expect(parts[2].1 == Array("commentaire".utf8))
    }

    @Test("a body cut before the closing delimiter is incomplete")
    func truncated() throws {
        var buffer = MultipartBody(file: Data("abc".utf8), filename: "a").buffer
        buffer.moveWriterIndex(to: buffer.writerIndex - 10)
        #expect(try !self.parse(buffer, chunk: 5).complete)
    }

    @Test("garbage after a delimiter is a syntax error")
    func garbage() {
        let text = "--\(MultipartBody.boundary)XX\r\n"
        #expect(throws: MultipartStreamParser.ParseError.self) { try self.parse(ByteBuffer(string: text), chunk: 4) }
    }

    @Test("Content-Disposition names and RFC 5987 file names")
    func disposition() {
        let plain = ContentDisposition(#"form-data; name="file"; filename="offre; v2.pdf""#)
        #expect(plain.name == "file" && plain.filename == "offre; v2.pdf")
        let encoded = ContentDisposition(#"form-data; name=file; filename="x"; filename*=UTF-8''S%C3%A9gou.pdf"#)
        #expect(encoded.filename == "Ségou.pdf")
    }
}
