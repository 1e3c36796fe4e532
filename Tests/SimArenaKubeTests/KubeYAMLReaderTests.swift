import XCTest

@testable import SimArenaCore

final class KubeYAMLReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> KValue {
        try YAMLReader.parse(Array(text.utf8), source: "config.yaml")
    }

    /// The message of the error `text` raises.
    private func failure(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "(no error)"
        } catch {
            return "\(error)"
        }
    }

    func testAKubectlWrittenConfigParses() throws {
        let text = """
            # written by kubectl
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: LS0tLS1CRUdJTg==
                server: https://127.0.0.1:6443
              name: kind-kind
            contexts:
            - context:
                cluster: kind-kind
                user: kind-kind   # trailing comment
                namespace: "team-a"
              name: kind-kind
            current-context: kind-kind
            kind: Config
            preferences: {}
            users:
            - name: kind-kind
              user:
                token: abc#def
                exec:
                  args:
                    - --region
                    - eu-west-1
                  env: null
            """
        let config = try parse(text)
        XCTAssertEqual(config["apiVersion"], "v1")
        XCTAssertEqual(config["clusters"]?[0]?["cluster"]?["server"], "https://127.0.0.1:6443")
        XCTAssertEqual(config["clusters"]?[0]?["name"], "kind-kind")
        XCTAssertEqual(config["contexts"]?[0]?["context"]?["user"], "kind-kind")
        XCTAssertEqual(config["contexts"]?[0]?["context"]?["namespace"], "team-a")
        XCTAssertEqual(config["preferences"], .map(KMap()))
        XCTAssertEqual(config["users"]?[0]?["user"]?["token"], "abc#def")
        XCTAssertEqual(config["users"]?[0]?["user"]?["exec"]?["args"], ["--region", "eu-west-1"])
        XCTAssertEqual(config["users"]?[0]?["user"]?["exec"]?["env"], .null)
        XCTAssertEqual(config["current-context"], "kind-kind")
    }

    func testScalarsStayTextExceptNulls() throws {
        let value = try parse("""
            port: 6443
            flag: true
            empty:
            tilde: ~
            word: null
            quoted: "null"
            spaced:   several words here  
            colon: a:b
            url: https://host:6443/path
            """)
        XCTAssertEqual(value["port"], "6443")
        XCTAssertEqual(value["flag"], "true")
        XCTAssertEqual(value["empty"], .null)
        XCTAssertEqual(value["tilde"], .null)
        XCTAssertEqual(value["word"], .null)
        XCTAssertEqual(value["quoted"], "null")
        XCTAssertEqual(value["spaced"], "several words here")
        XCTAssertEqual(value["colon"], "a:b")
        XCTAssertEqual(value["url"], "https://host:6443/path")
    }

    func testQuotedScalarsDecodeEscapesAndFoldLines() throws {
        let value = try parse(#"""
            double: "tab\tquote\" slash\\ \u00e9\x41\U0001F600 # not a comment"
            single: 'it''s # here'
            folded: "one
              two

              three"
            joined: "no\
              space"
            """#)
        XCTAssertEqual(value["double"], "tab\tquote\" slash\\ éA😀 # not a comment")
        XCTAssertEqual(value["single"], "it's # here")
        XCTAssertEqual(value["folded"], "one two\nthree")
        XCTAssertEqual(value["joined"], "nospace")
    }

    func testFlowCollectionsAndJSONDocuments() throws {
        let value = try parse("""
            {"apiVersion": "v1", "clusters": [{"name": "c", "cluster": {"server": "https://h:1",
              "insecure-skip-tls-verify": true}}],
             "users": [], "list": [a, 'b', {k: v}, [1, 2]], "empty": {} }
            """)
        XCTAssertEqual(value["clusters"]?[0]?["cluster"]?["insecure-skip-tls-verify"], "true")
        XCTAssertEqual(value["users"], [])
        XCTAssertEqual(value["list"], ["a", "b", ["k": "v"], ["1", "2"]])
        XCTAssertEqual(value["empty"], .map(KMap()))
    }

    func testBlockScalarsLiteralAndFolded() throws {
        let value = try parse("""
            literal: |
              line one
                indented
              line three

            folded: >
              a
              b

              c
            stripped: |-
              x

            kept: |+
              y

            indicator: |2
                 lead
            after: end
            """)
        XCTAssertEqual(value["literal"], "line one\n  indented\nline three\n")
        XCTAssertEqual(value["folded"], "a b\nc\n")
        XCTAssertEqual(value["stripped"], "x")
        XCTAssertEqual(value["kept"], "y\n\n")
        XCTAssertEqual(value["indicator"], "   lead\n")
        XCTAssertEqual(value["after"], "end")
    }

    func testDocumentMarkersAndNestedSequences() throws {
        XCTAssertEqual(try parse("--- # start\na:\n  - - x\n    - y\n  -\n    b: c\n...\n"), ["a": [["x", "y"], ["b": "c"]]])
        XCTAssertEqual(try parse(""), .null)
        XCTAssertEqual(try parse("# only a comment\n"), .null)
        XCTAssertEqual(try parse("\u{FEFF}a: b\r\nc: d\r\n"), ["a": "b", "c": "d"])
    }

    func testRefusalsNameTheFileAndLine() {
        XCTAssertEqual(failure("a: 1\nb: &anchor x\n"), "config.yaml:2: anchors are not supported")
        XCTAssertEqual(failure("a: 1\nb: *alias\n"), "config.yaml:2: aliases are not supported")
        XCTAssertEqual(failure("a: !!str 1\n"), "config.yaml:1: tags are not supported")
        XCTAssertEqual(failure("a: 1\n---\nb: 2\n"), "config.yaml:2: more than one YAML document; a kubeconfig file holds one")
        XCTAssertEqual(failure("%YAML 1.2\n---\na: 1\n"), "config.yaml:1: YAML directives are not supported")
        XCTAssertEqual(failure("a: 1\nb: 2\na: 3\n"), "config.yaml:3: duplicate key \"a\"")
        XCTAssertEqual(failure("a:\n\tb: 1\n"), "config.yaml:2: tabs are not allowed in indentation")
        XCTAssertEqual(failure("a: 1\n  b: 2\n"), "config.yaml:2: unexpected indentation")
        XCTAssertEqual(failure("a: \"open\nb: 2\n"), "config.yaml:1: unterminated quoted string")
        XCTAssertEqual(failure("a: [1, 2\n"), "config.yaml:2: unterminated flow collection")
        XCTAssertEqual(failure("a: - x\n"), "config.yaml:1: a sequence cannot start on the same line as its key")
        XCTAssertEqual(
            failure("command: echo a: b\n"),
            "config.yaml:1: a mapping cannot start on the same line as its key; quote a value that holds \": \"")
        XCTAssertEqual(failure("? complex\n: value\n"), "config.yaml:1: complex mapping keys are not supported")
        XCTAssertEqual(failure("a: `cmd`\n"), "config.yaml:1: a plain value cannot start with '`'; quote it")
        XCTAssertEqual(failure("just text\nmore: x\n"), "config.yaml:2: unexpected 'm' after the document")
        XCTAssertTrue(failure("a: \"\\q\"\n").hasPrefix("config.yaml:1: unknown escape"))
        XCTAssertThrowsError(try YAMLReader.parse([0x61, 0x3A, 0x20, 0xFF], source: "bin.yaml")) {
            XCTAssertEqual("\($0)", "bin.yaml:1: the file is not valid UTF-8")
        }
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertEqual(failure("a: \(deep)\n"), "config.yaml:1: nesting deeper than 64 levels")
        var block = ""
        for level in 0..<70 { block += String(repeating: " ", count: level * 2) + "k\(level):\n" }
        XCTAssertTrue(failure(block).hasSuffix("nesting deeper than 64 levels"))
    }
}
