/// Writes ``KValue`` documents as block-style YAML, deterministically, for files people read
/// and commit (Kubernetes patches). Map entries keep their stored order, two-space indents,
/// list items under their key as `- `. A string is written plain when it starts with a letter,
/// holds only letters, digits and `-_./`, and is not one of YAML 1.1's booleans or null words
/// (`yes`, `off`, `null`, …); any other string is double-quoted with JSON's escapes, which YAML
/// reads the same way. So `cpu: "500m"`, `kind: Deployment`, `replicas: 3`. A text of whole
/// lines (a file in a ConfigMap) is written as a literal block, `key: |` and its lines below.
///
/// Only what JSON can hold is written: maps with text keys, arrays, strings, numbers, booleans
/// and null; anything else throws a ``SimArenaError`` of kind `.data`.
public enum YAMLWriter {
    /// `documents` as one YAML stream, each starting with `---`.
    public static func encode(documents: [KValue]) throws -> String {
        var text = ""
        for document in documents {
            text += "---\n"
            try write(document, indent: 0, into: &text)
        }
        return text
    }

    private static func write(_ value: KValue, indent: Int, into text: inout String) throws {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let map) where !map.isEmpty:
            for entry in map.entries {
                guard let key = entry.key.stringValue else { throw SimArenaError(.data, "YAML: a map key is not text") }
                text += pad + scalarText(key) + ":"
                try writeValue(entry.value, indent: indent, into: &text)
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                text += pad + "-"
                if case .map(let map) = item, !map.isEmpty {
                    // The map's first entry on the dash's line, the rest under it.
                    var nested = ""
                    try write(item, indent: indent + 2, into: &nested)
                    text += " " + nested.dropFirst(indent + 2)
                } else if case .array(let inner) = item, !inner.isEmpty {
                    text += "\n"
                    try write(item, indent: indent + 2, into: &text)
                } else {
                    try writeValue(item, indent: indent, into: &text)
                }
            }
        default:
            text += pad + (try scalar(value)) + "\n"
        }
    }

    /// The rest of a line after `key:` or `-`: a scalar on the same line, or a collection below.
    private static func writeValue(_ value: KValue, indent: Int, into text: inout String) throws {
        switch value {
        case .map(let map) where !map.isEmpty:
            text += "\n"
            try write(value, indent: indent + 2, into: &text)
        case .array(let items) where !items.isEmpty:
            text += "\n"
            try write(value, indent: indent, into: &text)
        case .string(let string) where isLiteralBlock(string):
            // A literal block (`|`), the lines as they are, indented under the key.
            let pad = String(repeating: " ", count: indent + 2)
            text += " |\n" + string.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .map { $0.isEmpty ? "\n" : pad + $0 + "\n" }.joined()
        default:
            text += " " + (try scalar(value)) + "\n"
        }
    }

    /// Whether `string` reads back the same from a literal block: lines ending in one newline,
    /// the first not starting with a space, no trailing spaces, only printable ASCII (YAML 1.1
    /// also breaks lines at U+0085 and U+2028, so other text stays double-quoted).
    private static func isLiteralBlock(_ string: String) -> Bool {
        guard string.hasSuffix("\n"), !string.hasSuffix("\n\n"), !string.hasPrefix(" "), !string.hasPrefix("\n") else { return false }
        return string.utf8.allSatisfy { $0 == 0x0A || ($0 >= 0x20 && $0 < 0x7F) } && !string.contains(" \n")
    }

    private static func scalar(_ value: KValue) throws -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        case .double, .float:
            return String(decoding: try JSONWriter.encode(value, pretty: false), as: UTF8.self)
        case .string(let string): return scalarText(string)
        case .map: return "{}"
        case .array: return "[]"
        case .binary: throw SimArenaError(.data, "YAML: binary values cannot be written")
        }
    }

    /// YAML 1.1's words for booleans and null, which a plain scalar must not be.
    private static let reservedWords: Set = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    ]

    private static func scalarText(_ string: String) -> String {
        let bytes = Array(string.utf8)
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        let plain = bytes.first.map(isLetter) == true
            && bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || "-_./".utf8.contains($0) }
            && !reservedWords.contains(string.lowercased())
        if plain { return string }
        // Double-quoted YAML reads JSON's string escapes; it also breaks lines at NEL, LS and PS,
        // which JSON leaves as they are, so those are escaped too.
        let quoted = String(decoding: (try? JSONWriter.encode(.string(string), pretty: false)) ?? [], as: UTF8.self)
        guard quoted.unicodeScalars.contains(where: { [0x85, 0x2028, 0x2029].contains($0.value) }) else { return quoted }
        var escaped = ""
        for scalar in quoted.unicodeScalars {
            switch scalar.value {
            case 0x85: escaped += "\\u0085"
            case 0x2028: escaped += "\\u2028"
            case 0x2029: escaped += "\\u2029"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
