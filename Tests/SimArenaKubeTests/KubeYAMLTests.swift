import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// The kubeconfig YAML reader (Yams, with go-yaml v2's scalar typing, as kubectl reads kubeconfig
/// through sigs.k8s.io/yaml).
final class KubeYAMLTests: XCTestCase {
    private func parse(_ text: String) throws -> KValue {
        try KubeYAML.parse(Array(text.utf8), source: "config.yaml")
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

    func testPlainScalarsAreTypedAsKubectlTypesThem() throws {
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
        XCTAssertEqual(value["port"], .int(6443))
        XCTAssertEqual(value["flag"], .bool(true))
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
        XCTAssertEqual(value["clusters"]?[0]?["cluster"]?["insecure-skip-tls-verify"], .bool(true))
        XCTAssertEqual(value["users"], [])
        XCTAssertEqual(value["list"], ["a", "b", ["k": "v"], [.int(1), .int(2)]])
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
        // y is a YAML 1.1 boolean to go-yaml v2.
        XCTAssertEqual(try parse("--- # start\na:\n  - - x\n    - y\n  -\n    b: c\n...\n"), ["a": [["x", .bool(true)], ["b": "c"]]])
        XCTAssertEqual(try parse(""), .null)
        XCTAssertEqual(try parse("# only a comment\n"), .null)
        XCTAssertEqual(try parse("\u{FEFF}a: b\r\nc: d\r\n"), ["a": "b", "c": "d"])
        XCTAssertEqual(try parse("? complex\n: value\n"), ["complex": "value"], "an explicit key that is a scalar")
    }

    /// YAML that kubectl refuses too, refused with one line naming the file and the line; what
    /// it says past the line number is libyaml's description of the problem.
    func testRefusalsNameTheFileAndLine() {
        let refusals = [
            ("a: 1\nb: *alias\n", "2: found undefined alias"),
            ("a: 1\nb: 2\na: 3\n", "1: duplicate key \"a\" in one mapping"),
            ("a:\n\tb: 1\n", "2: found character that cannot start any token (while scanning for the next token, from line 2)"),
            ("a: 1\n  b: 2\n", "2: mapping values are not allowed in this context"),
            ("a:\n    b: 1\n  c: 2\n", "3: did not find expected key (while parsing a block mapping, from line 1)"),
            ("a: \"open\nb: 2\n", "3: found unexpected end of stream (while scanning a quoted scalar, from line 1)"),
            ("a: [1, 2\n", "2: did not find expected ',' or ']' (while parsing a flow sequence, from line 1)"),
            ("a: - x\n", "1: block sequence entries are not allowed in this context"),
            ("command: echo a: b\n", "1: mapping values are not allowed in this context"),
            ("a: `cmd`\n", "1: found character that cannot start any token (while scanning for the next token, from line 1)"),
            ("just text\nmore: x\n", "2: mapping values are not allowed in this context"),
            ("a: b\nc\n", "3: could not find expected ':' (while scanning a simple key, from line 2)"),
        ]
        for (text, expected) in refusals {
            XCTAssertEqual(failure(text), "config.yaml:" + expected, text)
        }
        XCTAssertTrue(failure("a: \"\\q\"\n").hasPrefix("config.yaml:1: found unknown escape character"))
        XCTAssertEqual(failure("a: !!int x\n"), "config.yaml:1: \"x\" is not a valid !!int")
        XCTAssertEqual(failure("m:\n  <<: 1\n"), "config.yaml:2: a merge (<<) takes a mapping or a list of mappings")
        XCTAssertEqual(failure("~: 1\n"), "config.yaml:1: a mapping key cannot be null")
        XCTAssertEqual(failure("[a]: 1\n"), "config.yaml:1: a mapping key must be a scalar")
        XCTAssertThrowsError(try KubeYAML.parse([0x61, 0x3A, 0x0A, 0x20, 0xFF], source: "bin.yaml")) {
            XCTAssertEqual("\($0)", "bin.yaml:2: the file is not valid UTF-8")
        }
        XCTAssertThrowsError(try parse("a: [\n")) { XCTAssertEqual(($0 as? SimArenaError)?.kind, .data) }
    }

    /// Stricter than kubectl, which reads the first document and ignores the rest.
    func testMoreThanOneDocumentIsRefused() {
        XCTAssertEqual(failure("a: 1\n---\nb: 2\n"), "config.yaml:3: more than one YAML document; a kubeconfig file holds one")
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertEqual(failure("a: \(deep)\n"), "config.yaml:1: nesting deeper than 64 levels")
        var block = ""
        for level in 0..<70 { block += String(repeating: " ", count: level * 2) + "k\(level):\n" }
        XCTAssertTrue(failure(block).hasSuffix("nesting deeper than 64 levels"))
    }
}

/// Kubeconfig files whose YAML kubectl 1.32 reads in a way a plain YAML reader may not.
/// kubectl reads kubeconfig with apimachinery's YAML serializer (client-go
/// tools/clientcmd/api/latest: json.NewYAMLSerializer), which converts the YAML to JSON with
/// sigs.k8s.io/yaml (go-yaml v2: anchors, aliases and merge keys, YAML 1.1 scalars; its
/// resolve table, goyaml.v2/resolve.go, makes y/yes/on and n/no/off booleans and reads numbers
/// with strconv.ParseInt(text, 0, 64), so 0123 is octal) and then decodes the JSON into typed
/// fields, refusing a number or boolean where a string belongs.
final class KubeconfigLikeKubectlTests: KubeFolderTestCase {

    /// Reads `text` as the kubeconfig file `config`.
    private func read(_ text: String) throws -> KubeConfig {
        try writeText(text, to: folder + "/config")
        return try KubeConfig.read(path: folder + "/config")
    }

    func testAnchorsAndAliasesShareEntries() throws {
        // go-yaml v2 expands an alias to a copy of its anchored node, so kubectl accepts this.
        let config = try read("""
            clusters:
            - name: a
              cluster: &cluster {server: "https://h:6443", tls-server-name: api.test}
            - name: b
              cluster: *cluster
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: aws
                  interactiveMode: Never
                  args: &args [eks, get-token]
            contexts:
            - {name: a, context: {cluster: a, user: u, namespace: &ns team}}
            - {name: b, context: {cluster: b, user: u, namespace: *ns}}
            """)
        XCTAssertEqual(config.clusters["b"], config.clusters["a"])
        XCTAssertEqual(config.clusters["b"]?.tlsServerName, "api.test")
        XCTAssertEqual(config.users["u"]?.exec?.args, ["eks", "get-token"])
        XCTAssertEqual(config.contexts["b"]?.namespace, "team")
    }

    func testMergeKeysCombineEntries() throws {
        // go-yaml v2 applies `<<` where it stands; later keys override merged ones, and in a
        // list of merged mappings the earlier wins.
        let config = try read("""
            base: &base
              server: https://base:6443
              insecure-skip-tls-verify: true
            proxy: &proxy {proxy-url: "http://proxy:3128", server: https://proxied:6443}
            clusters:
            - name: one
              cluster:
                <<: *base
                server: https://one:6443
            - name: two
              cluster:
                <<: [*proxy, *base]
            """)
        XCTAssertEqual(config.clusters["one"]?.server, "https://one:6443")
        XCTAssertEqual(config.clusters["one"]?.insecureSkipTLSVerify, true)
        XCTAssertEqual(config.clusters["two"]?.server, "https://proxied:6443")
        XCTAssertEqual(config.clusters["two"]?.proxyURL, "http://proxy:3128")
        XCTAssertEqual(config.clusters["two"]?.insecureSkipTLSVerify, true)
    }

    func testYAML11BooleansAreBooleans() throws {
        // `yes`, `on` and `y` are true to go-yaml v2, `no`, `off` and `n` false.
        for (written, expected) in [("yes", true), ("On", true), ("y", true), ("no", false), ("OFF", false), ("n", false)] {
            let config = try read("clusters:\n- name: c\n  cluster: {server: \"https://h:1\", insecure-skip-tls-verify: \(written)}\n")
            XCTAssertEqual(config.clusters["c"]?.insecureSkipTLSVerify, expected, written)
        }
        // Quoted, it is text, which kubectl's JSON decoding refuses for a boolean field.
        XCTAssertEqual(
            message { try self.read("clusters:\n- name: c\n  cluster: {server: x, insecure-skip-tls-verify: \"yes\"}\n") },
            "\(folder)/config: clusters[0].cluster.insecure-skip-tls-verify: expected true or false")
    }

    func testNumbersAndBooleansWhereTextBelongsAreRefused() throws {
        // `0123` is the octal integer 83 to go-yaml v2; kubectl then fails to decode a number
        // into the string field Context.namespace. Quoted, it is the text "0123".
        var failure: Error?
        XCTAssertThrowsError(try read("contexts:\n- name: c\n  context: {cluster: c, namespace: 0123}\n")) { failure = $0 }
        XCTAssertEqual(
            "\(failure.map { "\($0)" } ?? "")",
            "\(folder)/config: contexts[0].context.namespace: expected a string, found an integer (quote the value to keep it as text)")
        XCTAssertEqual((failure as? SimArenaError)?.kind, .data)
        XCTAssertEqual((failure as? SimArenaError)?.exitCode, 65)
        XCTAssertEqual(try read("contexts:\n- name: c\n  context: {cluster: c, namespace: \"0123\"}\n").contexts["c"]?.namespace, "0123")
        XCTAssertEqual(
            message { try self.read("users:\n- name: u\n  user: {token: 1e3}\n") },
            "\(folder)/config: users[0].user.token: expected a string, found a number (quote the value to keep it as text)")
        XCTAssertEqual(
            message { try self.read("contexts:\n- name: c\n  context: {cluster: on}\n") },
            "\(folder)/config: contexts[0].context.cluster: expected a string, found a boolean (quote the value to keep it as text)")
    }

    func testAScalarDocumentIsRefusedNamingTheFile() {
        // client-go's loader_test TestErrorReadingFile: a file holding "bogus value" is an error
        // that names the file.
        XCTAssertEqual(
            message { try self.read("bogus value") }, "\(folder)/config: expected a mapping, found a string")
    }
}

/// The reader against PyYAML as an oracle: documents dumped by PyYAML in several styles must
/// read back as PyYAML reads them. PyYAML types plain scalars by YAML 1.1 as go-yaml v2 does,
/// but not everywhere alike (`y` and `n` are text to PyYAML, `09` is text to PyYAML and a
/// number to go-yaml), so the random text avoids those: its digits are 0 and 1, its letters
/// a, b and z. KubeconfigLikeKubectlTests covers go-yaml's own typing.
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
        alphabet = list("ab z01-?:#'\"\\{}[],&*!|>%@`~\n\t") + ["é", "✓", ": ", " #", "\r\n"]
        # Keys are not empty and stay on one line: PyYAML writes others as "? " complex keys.
        key_letters = [letter for letter in alphabet if "\n" not in letter]
        def fuzz(seed):
            generator = random.Random(seed)
            def text(letters=alphabet, shortest=0):
                return "".join(generator.choice(letters) for _ in range(generator.randint(shortest, 12)))
            return [{text(key_letters, 1): text(), "list": [text() for _ in range(3)]} for _ in range(150)]
        styles = [dict(), dict(default_flow_style=True), dict(width=24), dict(allow_unicode=True, indent=4),
                  dict(explicit_start=True, explicit_end=True)]
        out = []
        for seed in (6, 7, 8):
            document["fuzz"] = fuzz(seed)
            for style in styles:
                text = yaml.safe_dump(document, **style)
                out.append({"yaml": text, "expected": yaml.safe_load(text), "style": f"{style} seed {seed}"})
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
                let parsed = try KubeYAML.parse(Array(text.utf8), source: "pyyaml")
                if parsed != item["expected"] {
                    let got = String(decoding: try JSONWriter.encode(parsed, pretty: true), as: UTF8.self)
                    XCTFail("style \(style) reads differently:\n\(text)\nread as:\n\(got)")
                }
            } catch {
                XCTFail("style \(style): \(error)\n\(text)")
            }
        }
    }

    /// YAMLWriter's literal blocks (a file in a ConfigMap) read back as the same text; text a
    /// block cannot hold exactly stays double-quoted.
    func testWrittenLiteralBlocksReadBackTheSame() throws {
        let texts = ["{\n  \"a\": [\n    1\n  ]\n}\n", "one line\n", "with\n\nan empty line\n", "ünïcode: x\n", "line\u{2028}separator\n", "next\u{85}line\n",
                     "no final newline", "trailing space \nx\n", " leading space\n", "two newlines\n\n", "tab\there\n"]
        for text in texts {
            let document: KValue = ["data": ["file": .string(text)], "list": [.string(text)]]
            let yaml = try YAMLWriter.encode(documents: [document])
            XCTAssertEqual(try KubeYAML.documents(Array(yaml.utf8), source: "t"), [document], yaml)
        }
        XCTAssertEqual(try YAMLWriter.encode(documents: [["f": "a\nb\n"]]), "---\nf: |\n  a\n  b\n")
        XCTAssertEqual(try YAMLWriter.encode(documents: [["f": "a\nb"]]), "---\nf: \"a\\nb\"\n")
    }
}
