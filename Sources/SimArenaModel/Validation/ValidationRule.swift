/// The rules `sa-trace validate` applies, with their stable codes (documented in
/// docs/trace-validation.md).
public enum ValidationRule: String, Sendable, CaseIterable {
    // SimKube's rules, with SimKube's codes.
    case statusFieldPopulated = "status_field_populated"
    case serviceAccountMissing = "service_account_missing"
    case envvarSecretMissing = "envvar_secret_missing"
    case envvarConfigMapMissing = "envvar_configmap_missing"
    // References SimKube does not check, which fail pod creation all the same.
    case volumeSecretMissing = "volume_secret_missing"
    case volumeConfigMapMissing = "volume_configmap_missing"
    // Structure.
    case malformedTrace = "malformed_trace"
    case versionMissing = "version_missing"
    case eventsOutOfOrder = "events_out_of_order"
    case invalidObject = "invalid_object"
    case invalidWorkload = "invalid_workload"
    case requestAboveLimit = "request_above_limit"
    case noContainers = "no_containers"
    case deletedNeverApplied = "deleted_never_applied"
    case resourceNotOffered = "resource_not_offered"

    public var code: String {
        switch self {
        case .statusFieldPopulated: return "W0000"
        case .serviceAccountMissing: return "E0001"
        case .envvarSecretMissing: return "E0002"
        case .envvarConfigMapMissing: return "E0003"
        case .volumeSecretMissing: return "E0102"
        case .volumeConfigMapMissing: return "E0103"
        case .malformedTrace: return "T0001"
        case .versionMissing: return "T0002"
        case .eventsOutOfOrder: return "T0003"
        case .invalidObject: return "T0004"
        case .invalidWorkload: return "T0005"
        case .requestAboveLimit: return "T0006"
        case .noContainers: return "T0007"
        case .deletedNeverApplied: return "T0008"
        case .resourceNotOffered: return "T0009"
        }
    }

    public var severity: ValidationIssue.Severity {
        switch self {
        case .statusFieldPopulated, .versionMissing, .eventsOutOfOrder, .deletedNeverApplied, .resourceNotOffered: return .warning
        default: return .error
        }
    }

    public func issue(at path: String, _ message: String) -> ValidationIssue {
        ValidationIssue(code: code, name: rawValue, severity: severity, path: path, message: message)
    }
}
