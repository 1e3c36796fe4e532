/// One problem `sa-trace validate` found in a trace.
public struct ValidationIssue: Sendable, Hashable {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    /// A stable code: SimKube's own (`W0000`, `E0001`–`E0003`) for SimKube's rules, `T…` for
    /// Sim-Arena's structural checks and `E01…` for the references SimKube does not check.
    public var code: String
    /// A stable short name for the rule (`status_field_populated`).
    public var name: String
    public var severity: Severity
    /// Where in the trace (`events[0].applied_objs[2]`).
    public var path: String
    public var message: String

    public init(code: String, name: String, severity: Severity, path: String, message: String) {
        self.code = code
        self.name = name
        self.severity = severity
        self.path = path
        self.message = message
    }
}
