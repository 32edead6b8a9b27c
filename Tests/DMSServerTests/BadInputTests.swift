import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Bad input gets a clear 4xx and stores nothing")
struct BadInputTests {
    static let cases: [(String, Int, String?)] = [
        ("{", 400, nil),
        ("not json", 400, nil),
        (#"{"case_type":"DAO","title":"x"#, 400, nil),
        ("[]", 422, "body"),
        (#""title""#, 422, "body"),
        ("null", 422, "body"),
        ("{}", 422, "case_type"),
        (#"{"title":"x"}"#, 422, "case_type"),
        (#"{"case_type":"XYZ","title":"x"}"#, 422, "case_type"),
        (#"{"case_type":"dao","title":"x"}"#, 422, "case_type"),
        (#"{"case_type":1,"title":"x"}"#, 422, "case_type"),
        (#"{"case_type":"DAO"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":""}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"   \n\t "}"#, 422, "title"),
        (#"{"case_type":"DAO","title":12}"#, 422, "title"),
        (#"{"case_type":"DAO","title":true}"#, 422, "title"),
        (#"{"case_type":"DAO","title":{"a":1}}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"a\u0000b"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"a\u001bb"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"a\u007fb"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"a\nb"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"x","lot":5}"#, 422, "lot"),
        (#"{"case_type":"DAO","title":"x","lot":"a\u0000"}"#, 422, "lot"),
        (#"{"case_type":"DAO","title":"\#(String(repeating: "é", count: 301))"}"#, 422, "title"),
        (#"{"case_type":"DAO","title":"x","lot":"\#(String(repeating: "l", count: 101))"}"#, 422, "lot"),
        (#"{"case_type":"DAO","title":"'); DROP TABLE cases;--\u0000"}"#, 422, "title"),
    ]

    @Test("malformed, mistyped, blank, over-long and control-character bodies", arguments: Self.cases)
    func rejected(body: String, status: Int, field: String?) async throws {
        try await withTestApp { client, config in
            let response = try await client.send(.post, "/api/cases", json: body)
            #expect(response.status.code == status, "\(body) → \(response.status) \(response.text)")
            #expect(response.errorField == field)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM cases") == 0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM events") == 0)
        }
    }

    @Test("wrong or missing Content-Type is 415", arguments: ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])
    func mediaType(contentType: String) async throws {
        try await withTestApp { client, _ in
            var headers: HTTPFields = [:]
            if !contentType.isEmpty { headers[.contentType] = contentType }
            let response = try await client.execute(uri: "/api/cases", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"case_type":"DAO","title":"x"}"#))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "unsupported_media_type")
        }
    }

    @Test("a JSON body over 1 MB is 413, with or without Content-Length")
    func tooLarge() async throws {
        try await withTestApp(.live) { client, config in
            let big = #"{"case_type":"DAO","title":"x","lot":""# + String(repeating: "a", count: 1_100_000) + #""}"#
            let response = try await client.send(.post, "/api/cases", json: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("charset and +json media types are accepted")
    func jsonVariants() async throws {
        try await withTestApp { client, _ in
            for type in ["application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.dms+json"] {
                let response = try await client.execute(uri: "/api/cases", method: .post, headers: [.contentType: type],
                                                        body: ByteBuffer(string: #"{"case_type":"DAO","title":"x"}"#))
                #expect(response.status == .created, "\(type)")
            }
        }
    }

    @Test("unknown routes and methods are JSON 404s, not 500s")
    func unknownRoutes() async throws {
        try await withTestApp { client, _ in
            for (method, path) in [(HTTPRequest.Method.get, "/api/nothing"), (.delete, "/api/cases"), (.put, "/api/decide/x")] {
                let response = try await client.send(method, path)
                #expect(response.status.code < 500)
                #expect(response.errorCode != nil)
            }
        }
    }
}
