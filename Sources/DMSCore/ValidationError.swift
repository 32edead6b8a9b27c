/// Input that the domain refuses. `field` is the API field name; `message` is French, for the user.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(self.field) : \(self.message)" }
}
