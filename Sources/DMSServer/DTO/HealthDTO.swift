import Hummingbird

struct HealthDTO: ResponseEncodable, Sendable {
    struct Postgres: Encodable, Sendable {
        let serverVersion: String
        let encoding: String
        let tls: Bool

        enum CodingKeys: String, CodingKey {
            case encoding, tls
            case serverVersion = "server_version"
        }
    }

    let status: String
    let database: String
    let version: String
    let postgres: Postgres?
}
