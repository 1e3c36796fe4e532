/// A Markdown pipe table.
struct MarkdownTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    var text: String {
        let line = { (cells: [String]) in "| " + cells.map { $0.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }.joined(separator: " | ") + " |\n" }
        return line(header) + line(header.map { _ in "---" }) + rows.map(line).joined()
    }
}
