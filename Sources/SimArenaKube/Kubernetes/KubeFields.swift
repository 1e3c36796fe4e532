import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// A field of a kubeconfig or ExecCredential document, with the file and the field path that
/// name it in errors (`~/.kube/config: users[0].user.token: expected a string`). Absent and
/// null fields read as nil.
struct KubeFields {
    let value: KValue?
    let file: String
    let path: String

    init(_ value: KValue?, file: String, path: String) {
        self.value = value.flatMap { $0.isNull ? nil : $0 }
        self.file = file
        self.path = path
    }

    subscript(key: String) -> KubeFields {
        KubeFields(value?[key], file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The map, or nil when absent.
    @discardableResult
    func map() throws -> KMap? {
        guard let value else { return nil }
        guard let map = value.mapValue else { throw mismatch(expected: "a mapping") }
        return map
    }

    /// The elements, or none when absent.
    func array() throws -> [KubeFields] {
        guard let value else { return [] }
        guard let items = value.arrayValue else { throw mismatch(expected: "a list") }
        return items.enumerated().map { KubeFields($1, file: file, path: "\(path)[\($0)]") }
    }

    /// Text. A number or a boolean is refused, as kubectl refuses it: YAML reads an unquoted
    /// `0123`, `1e3`, `yes` or `off` as one, so the message says to quote it.
    func string() throws -> String? {
        guard let value else { return nil }
        guard let text = value.stringValue else {
            switch value {
            case .bool, .int, .uint, .double:
                throw error("expected a string, found \(value.typeDescription) (quote the value to keep it as text)")
            default: throw mismatch(expected: "a string")
            }
        }
        return text
    }

    /// A boolean (`true`, `false`, and YAML 1.1's `yes`, `no`, `on`, `off`; quoted text is not one,
    /// as in kubectl).
    func bool() throws -> Bool? {
        guard let value else { return nil }
        guard let flag = value.boolValue else { throw error("expected true or false") }
        return flag
    }

    /// A certificate or key given as a file (`fileKey`, resolved against `folder`) or as base64
    /// data (`dataKey`). kubectl refuses an entry that sets both, but only when it is used, so
    /// that is noted in `conflicts` rather than thrown here.
    func certificate(file fileKey: String, data dataKey: String, folder: String, conflicts: inout [String]) throws
        -> CertificateSource?
    {
        let path = try self[fileKey].string().flatMap { $0.isEmpty ? nil : $0 }
        if let encoded = try self[dataKey].string(), !encoded.isEmpty {
            guard let bytes = Base64.decode(encoded) else { throw self[dataKey].error("is not valid base64") }
            if path != nil { conflicts.append("\(dataKey) and \(fileKey) are both set") }
            return .data(SecretBytes(bytes))
        }
        return path.map { .file(Self.resolve($0, against: folder)) }
    }

    func error(_ message: String) -> SimArenaError {
        SimArenaError(.data, path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)")
    }

    private func mismatch(expected: String) -> SimArenaError {
        error("expected \(expected), found \(value?.typeDescription ?? "nothing")")
    }

    /// The absolute path of the folder holding `file`.
    static func folder(of file: String) -> String {
        var absolute = file
        if !file.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            absolute = String(cString: cwd) + "/" + file
            free(cwd)
        }
        guard let slash = absolute.lastIndex(of: "/") else { return "." }
        return slash == absolute.startIndex ? "/" : String(absolute[..<slash])
    }

    /// `path` made absolute against `folder` when it is relative (kubectl resolves the paths in
    /// a kubeconfig against the folder of the file that holds them).
    static func resolve(_ path: String, against folder: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return folder.hasSuffix("/") ? folder + path : folder + "/" + path
    }
}
