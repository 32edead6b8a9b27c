/// Who did something: recorded on every event. Until accounts exist (SPEC §6) it is the name a
/// client sends in `X-DMS-Actor`, or `anonymous`.
public struct ActorName: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public static let anonymous = ActorName(trusted: "anonymous")
    public static let system = ActorName(trusted: "system")

    public init(_ raw: String?) throws(ValidationError) {
        guard let raw, !raw.trimmingWhitespace().isEmpty else {
            self = .anonymous
            return
        }
        self.value = try TextField.actor.validate(raw, field: "X-DMS-Actor")
    }

    private init(trusted: String) { self.value = trusted }

    public var description: String { self.value }
}
