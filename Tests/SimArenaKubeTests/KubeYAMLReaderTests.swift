import XCTest

@testable import SimArenaCore
@testable import SimArenaKube

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

    func testPlainScalarsContinueOnMoreIndentedLines() throws {
        let value = try parse("""
            a: one
              two

              three
            b: [x
              y, z]
            c:
            - item
              continued # comment
            d: end
            """)
        XCTAssertEqual(value["a"], "one two\nthree")
        XCTAssertEqual(value["b"], ["x y", "z"])
        XCTAssertEqual(value["c"], ["item continued"])
        XCTAssertEqual(value["d"], "end")
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
        XCTAssertEqual(failure("a: 1\n  b: 2\n"), "config.yaml:2: a value runs on into \"key: value\"; check the indentation")
        XCTAssertEqual(failure("a:\n    b: 1\n  c: 2\n"), "config.yaml:3: unexpected indentation")
        XCTAssertEqual(failure("a: \"open\nb: 2\n"), "config.yaml:1: unterminated quoted string")
        XCTAssertEqual(failure("a: [1, 2\n"), "config.yaml:2: unterminated flow collection")
        XCTAssertEqual(failure("a: - x\n"), "config.yaml:1: a sequence cannot start on the same line as its key")
        XCTAssertEqual(
            failure("command: echo a: b\n"),
            "config.yaml:1: a mapping cannot start on the same line as its key; quote a value that holds \": \"")
        XCTAssertEqual(failure("? complex\n: value\n"), "config.yaml:1: complex mapping keys are not supported")
        XCTAssertEqual(failure("a: `cmd`\n"), "config.yaml:1: a plain value cannot start with '`'; quote it")
        XCTAssertEqual(failure("just text\nmore: x\n"), "config.yaml:2: a value runs on into \"key: value\"; check the indentation")
        XCTAssertEqual(failure("a: b\nc\n"), "config.yaml:2: expected \"key: value\" at the mapping's indentation")
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

/// YAMLReader against PyYAML as an oracle: documents dumped by PyYAML in several styles must
/// read back as PyYAML reads them (with scalars as text, since YAMLReader leaves typing to the
/// reader of each field).
final class KubeYAMLOracleTests: XCTestCase {
    static let script = #"""
        import json, random, sys, yaml
        document = {
            "apiVersion": "v1", "kind": "Config", "current-context": "kind-kind",
            "clusters": [{"name": "kind-kind", "cluster": {
                "server": "https://127.0.0.1:6443", "insecure-skip-tls-verify": True,
                "certificate-authority-data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=" * 4}}],
            "users": [{"name": "kind-kind", "user": {
                "token": "a: b # c", "username": "", "password": "it's \"quoted\"",
                "exec": {"command": "aws", "args": ["eks", "get-token", "--cluster-name", "x y"],
                         "env": [{"name": "A", "value": "line one\nline two\n"}, {"name": "B", "value": None}],
                         "interactiveMode": "Never", "provideClusterInfo": False}}}],
            "contexts": [{"name": "kind-kind", "context": {"cluster": "kind-kind", "user": "kind-kind",
                                                          "namespace": "team-ü"}}],
            "preferences": {}, "extensions": [],
            "odd": ["- dash", "? mark", "#hash", "tab\there", "trailing ", " leading", "yes", "null", "~", "0x1F",
                    "@at", "`tick`", "*star", "&amp", "!bang", "%pct", "{brace", "[bracket", "'single", "é ✓ 😀"],
            "nested": [[["deep"]], {"k": [{"a": 1}, []]}],
        }
        alphabet = list("ab z09-?:#'\"\\{}[],&*!|>%@`~\n\t") + ["é", "✓", ": ", " #", "\r\n"]
        # Keys are not empty and stay on one line: PyYAML writes others as "? " complex keys.
        key_letters = [letter for letter in alphabet if "\n" not in letter]
        def fuzz(seed):
            generator = random.Random(seed)
            def text(letters=alphabet, shortest=0):
                return "".join(generator.choice(letters) for _ in range(generator.randint(shortest, 12)))
            return [{text(key_letters, 1): text(), "list": [text() for _ in range(3)]} for _ in range(150)]
        def textual(value):
            if isinstance(value, bool): return "true" if value else "false"
            if isinstance(value, int): return str(value)
            if isinstance(value, dict): return {key: textual(item) for key, item in value.items()}
            if isinstance(value, list): return [textual(item) for item in value]
            return value
        styles = [dict(), dict(default_flow_style=True), dict(width=24), dict(allow_unicode=True, indent=4),
                  dict(explicit_start=True, explicit_end=True)]
        out = []
        for seed in (6, 7, 8):
            document["fuzz"] = fuzz(seed)
            for style in styles:
                text = yaml.safe_dump(document, **style)
                out.append({"yaml": text, "expected": textual(yaml.safe_load(text)), "style": f"{style} seed {seed}"})
        json.dump(out, sys.stdout)
        """#

    func testDocumentsDumpedByPyYAMLReadTheSame() throws {
        let result = try ProcessRunner(["python3", "-c", Self.script]).run()
        guard result.succeeded else { throw XCTSkip("python3 with PyYAML is needed: \(result.firstStderrLine ?? "")") }
        let cases = try JSONReader.parse(result.stdout).requireArray(at: "cases")
        XCTAssertEqual(cases.count, 15)
        for item in cases {
            let text = try XCTUnwrap(item["yaml"]?.stringValue)
            let style = item["style"]?.stringValue ?? ""
            do {
                let parsed = try YAMLReader.parse(Array(text.utf8), source: "pyyaml")
                if parsed != item["expected"] {
                    let got = String(decoding: try JSONWriter.encode(parsed, pretty: true), as: UTF8.self)
                    XCTFail("style \(style) reads differently:\n\(text)\nread as:\n\(got)")
                }
            } catch {
                XCTFail("style \(style): \(error)\n\(text)")
            }
        }
    }
}
