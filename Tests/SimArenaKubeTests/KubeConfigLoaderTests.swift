import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

final class KubeConfigLoaderTests: KubeFolderTestCase {

    /// Options that see only `variables` as the environment.
    private func options(kubeconfig: String? = nil, context: String? = nil, _ variables: [String: String] = [:]) -> KubeConfigOptions {
        KubeConfigOptions(
            kubeconfig: kubeconfig, context: context, environment: { variables[$0] },
            serviceAccountFolder: folder + "/serviceaccount")
    }

    /// A kubeconfig with one cluster, user and context each, all called `name`.
    private func config(name: String, server: String, token: String = "t", current: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
            server: \(server)
        users:
        - name: \(name)
          user:
            token: \(token)
        contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: \(name)
        \(current.map { "current-context: \($0)" } ?? "")
        """
    }

    func testTheKubeconfigFlagReadsThatFileAlone() throws {
        try writeText(config(name: "a", server: "https://a:1", current: "a"), to: folder + "/a.yaml")
        try writeText(config(name: "b", server: "https://b:1", current: "b"), to: folder + "/b.yaml")
        let connection = try KubeConfigLoader.resolve(options(kubeconfig: folder + "/a.yaml", ["KUBECONFIG": folder + "/b.yaml"]))
        XCTAssertEqual(connection.cluster.server, "https://a:1")
        XCTAssertEqual(connection.contextName, "a")
        XCTAssertEqual(connection.namespace, "default")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: self.folder + "/missing.yaml")) },
            "\(folder)/missing.yaml: no such file")
    }

    func testKUBECONFIGListsMergeAsKubectlDoes() throws {
        // The first file to define a name wins; current-context comes from the first that sets it.
        try writeText(config(name: "shared", server: "https://first:1", token: "first"), to: folder + "/1.yaml")
        try writeText(
            config(name: "shared", server: "https://second:2", token: "second", current: "shared") + "\n",
            to: folder + "/2.yaml")
        try writeText(config(name: "only3", server: "https://third:3", current: "only3"), to: folder + "/3.yaml")
        let list = ["", folder + "/1.yaml", folder + "/missing.yaml", folder + "/2.yaml", "", folder + "/3.yaml"].joined(separator: ":")
        let (merged, files) = try KubeConfigLoader.load(options(["KUBECONFIG": list, "HOME": folder]))
        XCTAssertEqual(files, [folder + "/1.yaml", folder + "/2.yaml", folder + "/3.yaml"])
        XCTAssertEqual(merged.currentContext, "shared")
        XCTAssertEqual(merged.clusters["shared"]?.server, "https://first:1")
        XCTAssertEqual(merged.users["shared"]?.token?.exposedValue, "first")
        XCTAssertEqual(merged.clusters["only3"]?.server, "https://third:3")
        let connection = try KubeConfigLoader.resolve(options(context: "only3", ["KUBECONFIG": list]))
        XCTAssertEqual(connection.cluster.server, "https://third:3")
        XCTAssertEqual(connection.userName, "only3")
    }

    func testHomeKubeConfigIsTheDefault() throws {
        try FileManager.default.createDirectory(atPath: folder + "/.kube", withIntermediateDirectories: true)
        try writeText(config(name: "home", server: "https://home:6443", current: "home"), to: folder + "/.kube/config")
        XCTAssertEqual(try KubeConfigLoader.resolve(options(["HOME": folder])).cluster.server, "https://home:6443")
        // An empty KUBECONFIG counts as unset.
        XCTAssertEqual(try KubeConfigLoader.resolve(options(["HOME": folder, "KUBECONFIG": ""])).contextName, "home")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(["HOME": self.folder + "/nowhere"])) },
            "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config")
    }

    func testContextChoiceAndItsErrors() throws {
        let path = folder + "/config"
        try writeText(config(name: "a", server: "https://a:1") + """
            - name: dangling
              context:
                cluster: nowhere
                user: a
            - name: ns
              context:
                cluster: a
                user: a
                namespace: team
            """, to: path)
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path)) }, "\(path): no current-context; pass --context")
        XCTAssertEqual(try KubeConfigLoader.resolve(options(kubeconfig: path, context: "ns")).namespace, "team")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path, context: "nope")) },
            "\(path): context \"nope\" not found")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path, context: "dangling")) },
            "\(path): cluster \"nowhere\" of context \"dangling\" not found")
    }

    func testRelativePathsResolveAgainstTheFileThatNamesThem() throws {
        try FileManager.default.createDirectory(atPath: folder + "/conf", withIntermediateDirectories: true)
        try writeText("""
            clusters:
            - name: c
              cluster: {server: "https://c:1", certificate-authority: certs/ca.crt}
            users:
            - name: u
              user:
                client-certificate: certs/u.crt
                client-key: /abs/u.key
                tokenFile: ../token
            - name: e
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/plugin
                  args: [get-token]
                  env: [{name: REGION, value: eu}]
            - name: p
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws}
            """, to: folder + "/conf/config")
        let config = try KubeConfig.read(path: folder + "/conf/config")
        XCTAssertEqual(config.clusters["c"]?.certificateAuthority, .file(folder + "/conf/certs/ca.crt"))
        XCTAssertEqual(config.users["u"]?.clientCertificate, .file(folder + "/conf/certs/u.crt"))
        XCTAssertEqual(config.users["u"]?.clientKey, .file("/abs/u.key"))
        XCTAssertEqual(config.users["u"]?.tokenFile, folder + "/conf/../token")
        XCTAssertEqual(config.users["e"]?.exec?.command, folder + "/conf/./bin/plugin")
        XCTAssertEqual(config.users["e"]?.exec?.args, ["get-token"])
        XCTAssertEqual(config.users["e"]?.exec?.env, [ExecConfig.Variable(name: "REGION", value: "eu")])
        XCTAssertEqual(config.users["p"]?.exec?.command, "aws", "a bare command is looked up on PATH")

        // A kubeconfig named by a relative path still yields absolute paths.
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let fromRelative = try KubeConfig.read(path: "conf/config")
        XCTAssertEqual(fromRelative.clusters["c"]?.certificateAuthority, .file(folder + "/conf/certs/ca.crt"))
    }

    func testFieldsAreCheckedWithClearMessages() throws {
        let path = folder + "/config"
        func read(_ text: String) -> String {
            try? writeText(text, to: path)
            return message { try KubeConfig.read(path: path) }
        }
        XCTAssertEqual(
            read("clusters:\n- name: c\n  cluster: {server: x, certificate-authority-data: '%%%'}\n"),
            "\(path): clusters[0].cluster.certificate-authority-data: is not valid base64")
        XCTAssertEqual(
            read("clusters:\n- cluster: {server: x}\n"), "\(path): clusters[0]: each entry needs a name")
        XCTAssertEqual(
            read("users:\n- name: u\n  user: {token: [a]}\n"), "\(path): users[0].user.token: expected a string, found an array")
        XCTAssertEqual(
            read("clusters:\n- name: c\n  cluster: {server: x, insecure-skip-tls-verify: maybe}\n"),
            "\(path): clusters[0].cluster.insecure-skip-tls-verify: expected true or false")
        XCTAssertEqual(
            read("users:\n- name: u\n  user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}\n"),
            "\(path): users[0].user.exec.apiVersion: exec plugin apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported (use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1)")
        XCTAssertEqual(
            read("contexts:\n- name: a\n  context: {cluster: c}\n- name: a\n  context: {cluster: d}\n"),
            "\(path): contexts[1]: context \"a\" is defined twice")
        try writeText("""
            clusters:
            - name: both
              cluster: {server: "https://h:1", certificate-authority: ca.crt, certificate-authority-data: aGk=}
            - name: insecure
              cluster: {server: "https://h:1", certificate-authority: ca.crt, insecure-skip-tls-verify: true}
            - name: plain
              cluster: {server: "https://h:1"}
            users:
            - name: both
              user: {client-certificate-data: aGk=, client-certificate: u.crt, client-key: u.key}
            contexts:
            - {name: both, context: {cluster: both, user: both}}
            - {name: insecure, context: {cluster: insecure}}
            - {name: user, context: {cluster: plain, user: both}}
            """, to: path)
        XCTAssertNoThrow(try KubeConfig.read(path: path), "conflicts matter only for the entries a context uses")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path, context: "both")) },
            "\(path): cluster \"both\": certificate-authority-data and certificate-authority are both set; set one")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path, context: "insecure")) },
            "\(path): cluster \"insecure\": insecure-skip-tls-verify cannot be combined with a certificate authority")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(kubeconfig: path, context: "user")) },
            "\(path): user \"both\": client-certificate-data and client-certificate are both set; set one",
            "a kubeconfig's own mistakes name the file")
        let user = try XCTUnwrap(try KubeConfig.read(path: path).users["both"])
        XCTAssertEqual(
            message { try ClusterCredentials(user: user, userName: "both", cluster: KubeCluster(server: "https://h:1")) },
            "user \"both\": client-certificate-data and client-certificate are both set; set one")

        let inline = try { () throws -> KubeConfig in
            try writeText("users:\n- name: u\n  user:\n    client-certificate-data: aGVsbG8=\n    client-key-data: a2V5\n", to: path)
            return try KubeConfig.read(path: path)
        }()
        XCTAssertEqual(inline.users["u"]?.clientCertificate, .data(SecretBytes(Array("hello".utf8))))
        XCTAssertEqual(inline.users["u"]?.clientKey?.description, "inline data")
    }

    func testAuthenticationMethodsAreValidatedLikeClientGo() throws {
        let cluster = KubeCluster(server: "https://h:1")
        let both = KubeUser(token: SecretText("t"), username: "u", password: SecretText("p"))
        XCTAssertEqual(
            message { try ClusterCredentials(user: both, userName: "mixed", cluster: cluster) },
            "user \"mixed\": more than one authentication method (token, basic auth); only one is allowed")
        var provider = KubeUser()
        provider.authProvider = "gcp"
        XCTAssertEqual(
            message { try ClusterCredentials(user: provider, userName: "old", cluster: cluster) },
            "user \"old\": auth-provider \"gcp\" is not supported; use an exec credential plugin")
        let halfCertificate = KubeUser(clientCertificate: .file("/x.crt"))
        XCTAssertEqual(
            message { try ClusterCredentials(user: halfCertificate, userName: "half", cluster: cluster) },
            "user \"half\": client-certificate and client-key must be given together")
        XCTAssertEqual(try ClusterCredentials(user: KubeUser(), userName: "anonymous", cluster: cluster).method, .none)

        // client.authentication.k8s.io/v1 needs an interactive mode; v1beta1 defaults it.
        let v1 = ExecConfig(command: "p", interactiveMode: nil)
        XCTAssertEqual(
            message { try ClusterCredentials(user: KubeUser(exec: v1), userName: "e", cluster: cluster) },
            "user \"e\": an exec plugin with client.authentication.k8s.io/v1 needs interactiveMode (Never, IfAvailable or Always)")
        let v1beta1 = ExecConfig(command: "p", apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: nil)
        XCTAssertEqual(try ClusterCredentials(user: KubeUser(exec: v1beta1), userName: "e", cluster: cluster).method, .exec)
        XCTAssertEqual(
            message { try ClusterCredentials(user: KubeUser(exec: ExecConfig(command: "p", interactiveMode: "Always")), userName: "e", cluster: cluster) },
            "user \"e\": the exec plugin needs a terminal (interactiveMode: Always), which Sim-Arena cannot give it")
        XCTAssertEqual(
            message { try ClusterCredentials(user: KubeUser(exec: ExecConfig(command: "p", interactiveMode: "Sometimes")), userName: "e", cluster: cluster) },
            "user \"e\": invalid exec interactiveMode \"Sometimes\" (Never, IfAvailable or Always)")
    }

    func testServerURLsAreTakenApart() throws {
        let plain = try ServerAddress("http://example.test")
        XCTAssertEqual([plain.host, "\(plain.port)", plain.prefix, "\(plain.isTLS)"], ["example.test", "80", "", "false"])
        let proxied = try ServerAddress("https://rancher.test/k8s/clusters/c-1/")
        XCTAssertEqual(proxied.port, 443)
        XCTAssertEqual(proxied.url(for: "/version", serverName: nil), "https://rancher.test:443/k8s/clusters/c-1/version")
        let ipv6 = try ServerAddress("https://[fd00::1]:6443")
        XCTAssertEqual(ipv6.url(for: "/api", serverName: "api.test"), "https://api.test:6443/api")
        XCTAssertEqual(ipv6.host, "[fd00::1]")
        for bad in ["ftp://h", "https://", "https://h:0", "https://h:x", "https://user@h", "https://[::1"] {
            XCTAssertEqual(
                message { try ServerAddress(bad) }, "server \"\(bad)\" is not an http:// or https:// URL with a host", bad)
        }
    }

    func testInClusterConfigurationFromTheServiceAccount() throws {
        let serviceAccount = folder + "/serviceaccount"
        try FileManager.default.createDirectory(atPath: serviceAccount, withIntermediateDirectories: true)
        try writeText("sa-token\n", to: serviceAccount + "/token")
        try writeText("simkube\n", to: serviceAccount + "/namespace")
        try writeText("-----BEGIN CERTIFICATE-----\n", to: serviceAccount + "/ca.crt")
        let pod = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": folder + "/nohome"]
        let connection = try KubeConfigLoader.resolve(options(pod))
        XCTAssertEqual(connection.cluster.server, "https://10.96.0.1:443")
        XCTAssertEqual(connection.cluster.certificateAuthority, .file(serviceAccount + "/ca.crt"))
        XCTAssertEqual(connection.user.tokenFile, serviceAccount + "/token")
        XCTAssertEqual(connection.namespace, "simkube")
        XCTAssertNil(connection.contextName)

        var ipv6 = pod
        ipv6["KUBERNETES_SERVICE_HOST"] = "fd00::1"
        XCTAssertEqual(try KubeConfigLoader.resolve(options(ipv6)).cluster.server, "https://[fd00::1]:443")

        // A kubeconfig, when there is one, comes first.
        try writeText(config(name: "k", server: "https://k:1", current: "k"), to: folder + "/k.yaml")
        var withConfig = pod
        withConfig["KUBECONFIG"] = folder + "/k.yaml"
        XCTAssertEqual(try KubeConfigLoader.resolve(options(withConfig)).cluster.server, "https://k:1")

        try FileManager.default.removeItem(atPath: serviceAccount + "/token")
        XCTAssertEqual(
            message { try KubeConfigLoader.resolve(self.options(pod)) },
            "\(serviceAccount)/token: no service-account token, though KUBERNETES_SERVICE_HOST is set")
    }

    func testExecCredentialsAndTimestampsParse() throws {
        let version = "client.authentication.k8s.io/v1"
        let output = #"{"apiVersion":"\#(version)","kind":"ExecCredential","status":{"token":"tok","expirationTimestamp":"2026-11-25T14:00:00Z"}}"#
        let credential = try ExecCredential.parse(Array(output.utf8), expectedVersion: version, plugin: "\"p\"")
        XCTAssertEqual(credential.token?.exposedValue, "tok")
        XCTAssertEqual(credential.expiration, 1_795_615_200)
        XCTAssertEqual(RFC3339.parse("2026-11-25T15:30:00.5+01:30"), 1_795_615_200.5)
        XCTAssertNil(RFC3339.parse("2026-11-25 14:00"))
        XCTAssertEqual(
            message { try ExecCredential.parse(Array("not json secret-token".utf8), expectedVersion: version, plugin: "\"p\"") },
            "exec plugin \"p\" did not print an ExecCredential as JSON")
        let wrongVersion = #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}"#
        XCTAssertEqual(
            message { try ExecCredential.parse(Array(wrongVersion.utf8), expectedVersion: version, plugin: "\"p\"") },
            "exec plugin \"p\": printed apiVersion \"client.authentication.k8s.io/v1beta1\", expected \"\(version)\"")
        XCTAssertEqual(Base64.decode("aGk"), Array("hi".utf8))
        XCTAssertNil(Base64.decode("a"))
        XCTAssertEqual(String(describing: SecretText("hunter2")), "<redacted>")
        XCTAssertFalse(String(reflecting: KubeUser(token: SecretText("hunter2"))).contains("hunter2"))
    }
}
