#!/usr/bin/env python3
"""A loopback Kubernetes API server for the client's tests.

It speaks the REST conventions the client needs (JSON bodies, `Status` objects on errors) for a
few routes: /version, namespaces, pods, the SimKube CRD, simulations.simkube.io objects and
SelfSubjectAccessReviews. Every request must authenticate with one of the configured methods:
a bearer token (--token USER=TOKEN), basic auth (--basic USER:PASSWORD) or, over TLS, a client
certificate signed by --client-ca (the user is the certificate's common name).

Faults are injected through a JSON file (--faults): a list whose first entry is removed and
applied to each incoming request, so a test writes the next N responses before making them:
    {"status": 429, "retryAfter": 2}   answer with that status (and Retry-After)
    {"status": 403}                    with a Status message naming the authenticated user
    {"slow": 3}                        wait 3 seconds, then answer normally
    {"drop": true}                     close the connection without answering
    {"status": 409, "applied": true}   carry the request out, then answer with that status
                                       (as when a re-sent request's first copy had arrived)
Each request is logged to --log as one JSON line: method, path, user, status, time (Unix seconds).

SimKube: with --crd (SimKube's CRD file, read with PyYAML) each Simulation created is validated
against the CRD's openAPIV3Schema (types, required fields, enums, minimums; unknown fields are
rejected as with fieldValidation=Strict), answering 422 with a Status naming the field. The
controller's states are played from the creation time: Initializing for `initSeconds`, then
Running for the spec's duration / speed (or `runSeconds`), then Finished; Failed instead of
Running when `fail` is set. These and the cluster's contents come from a JSON file (--simkube),
re-read on every request, so a test changes them while the server runs:
    {"initSeconds": 0.2, "runSeconds": 5, "fail": false,
     "pods": {"virtual-default": [Pod, ...]},      the pods served per namespace while a Simulation runs
     "podMetrics": {"virtual-default": [PodMetrics, ...]}, their usage (metrics.k8s.io; absent: no such API)
     "missingNamespaces": ["monitoring"], "noCRD": true,
     "denied": ["create simulations", "list pods"]} what SelfSubjectAccessReviews deny

Live namespaces (what a namespace snapshot reads) come from the same file's "live" key:
    {"live": {"shop": {"deployments": [...], "statefulsets": [...], "pods": [...], "podMetrics": [...]}},
     "nodes": [Node, ...], "forbidden": ["list deployments", "list nodes"]}
A live namespace exists and serves these lists (apps/v1 deployments and statefulsets, pods) at
any time; its PodMetrics are served only when "podMetrics" is given (else 404, as without
metrics-server). /api/v1/nodes serves "nodes" and /api/v1/pods the pods of every live namespace.
"forbidden" answers each "verb resource" pair with a 403, as RBAC would.

The chosen port is written to --port-file once the server listens. The server exits when the
process that started it does, so a test run that crashes leaves no server behind.
"""

import argparse
import base64
import json
import os
import re
import socket
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
           405: "MethodNotAllowed", 409: "AlreadyExists", 415: "UnsupportedMediaType",
           422: "Invalid", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}


class State:
    """What the server holds: credentials, objects, the fault queue and the request log."""

    def __init__(self, args):
        self.tokens = dict(entry.split("=", 1)[::-1] for entry in args.token)  # token -> user
        self.basic = dict(entry.split(":", 1) for entry in args.basic)         # user -> password
        self.faults_path = args.faults
        self.log_path = args.log
        self.simkube_path = args.simkube
        self.crd = load_crd(args.crd) if args.crd else None
        self.lock = threading.Lock()
        self.namespaces = {"default", "kube-system", "simkube", "monitoring", "virtual-default"}
        self.simulations = {}
        self.pods = {"virtual-default": [
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "web-0", "namespace": "virtual-default"},
             "status": {"phase": "Running"}}]}

    def next_fault(self):
        if not self.faults_path:
            return None
        with self.lock:
            try:
                with open(self.faults_path) as handle:
                    faults = json.load(handle)
            except (FileNotFoundError, ValueError):
                return None
            if not faults:
                return None
            fault, rest = faults[0], faults[1:]
            with open(self.faults_path + ".tmp", "w") as handle:
                json.dump(rest, handle)
            os.replace(self.faults_path + ".tmp", self.faults_path)
            return fault

    def simkube(self):
        """The SimKube control file's settings (empty when there is none)."""
        try:
            with open(self.simkube_path) as handle:
                return json.load(handle)
        except (TypeError, FileNotFoundError, ValueError):
            return {}

    def log(self, entry):
        if self.log_path:
            with self.lock, open(self.log_path, "a") as handle:
                handle.write(json.dumps({**entry, "time": round(time.time(), 6)}) + "\n")


def load_crd(path):
    """The simulations.simkube.io CRD's v1 openAPIV3Schema from SimKube's CRD file."""
    import yaml  # only the SimKube tests need PyYAML
    with open(path) as handle:
        for document in yaml.safe_load_all(handle):
            if document and document["metadata"]["name"] == "simulations.simkube.io":
                return next(version["schema"]["openAPIV3Schema"] for version in document["spec"]["versions"]
                            if version["name"] == "v1")
    raise SystemExit(f"{path}: no simulations.simkube.io CRD")


JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "number": (int, float), "integer": int}


def schema_errors(value, schema, path):
    """What is wrong with value under an OpenAPI v3 schema, as the API server's field errors."""
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: Invalid value: \"null\": {path} in body must be of type {schema.get('type')}"]
    kind = schema.get("type")
    expected = JSON_TYPES.get(kind)
    if expected and (not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{path}: Invalid value: {json.dumps(value)}: {path} in body must be of type {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(json.dumps(item) for item in schema["enum"] if item is not None)
        return [f"{path}: Unsupported value: {json.dumps(value)}: supported values: {allowed}"]
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        return [f"{path}: Invalid value: {value}: {path} in body should be greater than or equal to {schema['minimum']}"]
    errors = []
    if kind == "object":
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}.{name}: Required value")
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], f"{path}.{name}")
            elif "additionalProperties" in schema:
                errors += schema_errors(item, schema["additionalProperties"], f"{path}.{name}")
            elif properties and not (path == "" and name in ("apiVersion", "kind", "metadata")):
                errors.append(f"{path}.{name}: unknown field")  # fieldValidation=Strict
    elif kind == "array":
        for index, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{index}]")
    return errors


def simulation_state(obj, control):
    """The controller's state for a Simulation, from how long ago it was created."""
    elapsed = time.monotonic() - obj["_created"]
    start = control.get("initSeconds", 0.2)
    if elapsed < start:
        return "Initializing"
    if control.get("fail"):
        return "Failed"
    spec = obj["spec"]
    match = re.fullmatch(r"\+?(\d+(?:\.\d+)?)s", spec.get("duration") or "")
    seconds = float(match.group(1)) / (spec.get("speed") or 1) if match else 60
    return "Running" if elapsed < start + control.get("runSeconds", seconds) else "Finished"


def public(obj, control):
    """A stored Simulation as the API shows it: with its status, without bookkeeping."""
    shown = {key: value for key, value in obj.items() if not key.startswith("_")}
    shown["status"] = {"observedGeneration": 1, "state": simulation_state(obj, control)}
    return shown


def matches(obj, selector):
    """Whether obj's labels satisfy an equality-based label selector (a=b,c=d)."""
    labels = obj.get("metadata", {}).get("labels") or {}
    terms = [term.split("=", 1) for term in selector.split(",") if term]
    return all(labels.get(key) == value for key, value in terms)


def status_object(code, message, reason=None):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason or REASONS.get(code, "Unknown"), "code": code}


def resource_of(path):
    """(group, resource, namespace, name) of an API path, as RBAC names them."""
    parts = [part for part in path.split("?")[0].split("/") if part]
    group = ""
    if parts[:1] == ["api"]:
        parts = parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, parts = parts[1], parts[3:]
    namespace = None
    if len(parts) >= 3 and parts[0] == "namespaces":
        namespace, parts = parts[1], parts[2:]
    return group, (parts[0] if parts else ""), namespace, (parts[1] if len(parts) > 1 else None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-test-server"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_api()

    def do_POST(self):
        self.handle_api()

    def do_DELETE(self):
        self.handle_api()

    def do_PATCH(self):
        self.handle_api()

    # Requests

    def handle_api(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        user, method = self.authenticate()
        self.user = user
        fault = state.next_fault()
        if fault and fault.get("drop"):
            state.log({"method": self.command, "path": self.path, "user": user, "status": "dropped"})
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and "slow" in fault:
            time.sleep(fault["slow"])
        if fault and fault.get("applied") and user is not None:
            self.route(body)
        if fault and "status" in fault:
            code, payload, headers = self.fault_response(fault, user)
        elif user is None:
            code, payload, headers = 401, status_object(401, "Unauthorized"), {}
        else:
            code, payload, headers = self.route(body)
        state.log({"method": self.command, "path": self.path, "user": user, "auth": method, "status": code,
                   "contentType": self.headers.get("Content-Type")})
        self.reply(code, payload, headers)

    def authenticate(self):
        """(user, method) from the request's credentials, or (None, None)."""
        state = self.server.state
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = state.tokens.get(header[len("Bearer "):])
            return (user, "token") if user else (None, None)
        if header.startswith("Basic "):
            try:
                name, password = base64.b64decode(header[len("Basic "):]).decode().split(":", 1)
            except ValueError:
                return None, None
            return (name, "basic") if state.basic.get(name) == password else (None, None)
        certificate = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        if certificate:
            for field in certificate.get("subject", ()):
                for key, value in field:
                    if key == "commonName":
                        return value, "certificate"
        return None, None

    def fault_response(self, fault, user):
        code = fault["status"]
        headers = {}
        if "retryAfter" in fault:
            headers["Retry-After"] = str(fault["retryAfter"])
        if code == 403:
            message = self.forbidden_message(user)
        else:
            message = fault.get("message", f"injected {code}")
        return code, status_object(code, message), headers

    def rbac_request(self):
        """(verb, group, resource, namespace) of the request, as RBAC names them."""
        group, resource, namespace, name = resource_of(self.path)
        verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "DELETE": "delete",
                "PATCH": "patch"}.get(self.command, self.command.lower())
        return verb, group, resource, namespace

    def forbidden_message(self, user):
        """The API server's message for a request RBAC denies."""
        verb, group, resource, namespace = self.rbac_request()
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        qualified = f"{resource}.{group}" if group else resource
        return (f'{qualified} is forbidden: User "{user}" cannot {verb} resource "{resource}" '
                f'in API group "{group}" {scope}')

    def route(self, body):
        path = self.path.split("?")[0]
        parts = [part for part in path.split("/") if part]
        control = self.server.state.simkube()
        verb, _, resource, _ = self.rbac_request()
        if f"{verb} {resource}" in control.get("forbidden", []):
            return 403, status_object(403, self.forbidden_message(self.user)), {}
        live = control.get("live", {})
        if path == "/api/v1/nodes" and self.command == "GET":
            return 200, {"apiVersion": "v1", "kind": "NodeList", "metadata": {}, "items": control.get("nodes", [])}, {}
        if path == "/api/v1/pods" and self.command == "GET":
            items = [pod for contents in live.values() for pod in contents.get("pods", [])]
            return 200, {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items}, {}
        if parts[:4] == ["apis", "apps", "v1", "namespaces"] and len(parts) == 6 and self.command == "GET" \
                and parts[5] in ("deployments", "statefulsets"):
            kind = {"deployments": "DeploymentList", "statefulsets": "StatefulSetList"}[parts[5]]
            items = live.get(parts[4], {}).get(parts[5], [])
            return 200, {"apiVersion": "apps/v1", "kind": kind, "metadata": {}, "items": items}, {}
        if path == "/version" and self.command == "GET":
            return 200, {"major": "1", "minor": "30", "gitVersion": "v1.30.0"}, {}
        if parts[:3] == ["api", "v1", "namespaces"]:
            return self.route_namespaces(parts[3:])
        if parts[:4] == ["apis", "apiextensions.k8s.io", "v1", "customresourcedefinitions"] and len(parts) == 5:
            if parts[4] != "simulations.simkube.io" or self.server.state.simkube().get("noCRD"):
                return 404, status_object(404, f'customresourcedefinitions.apiextensions.k8s.io "{parts[4]}" not found'), {}
            return 200, {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                         "metadata": {"name": parts[4]},
                         "spec": {"group": "simkube.io", "scope": "Cluster",
                                  "names": {"plural": "simulations", "kind": "Simulation"}}}, {}
        if parts[:3] == ["apis", "simkube.io", "v1"] and parts[3:4] == ["simulations"]:
            return self.route_simulations(parts[4:], body)
        if parts[:4] == ["apis", "metrics.k8s.io", "v1beta1", "namespaces"] and parts[5:] == ["pods"] and self.command == "GET":
            return self.route_pod_metrics(parts[4])
        if path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" and self.command == "POST":
            review = json.loads(body)
            attributes = review.get("spec", {}).get("resourceAttributes", {})
            denied = self.server.state.simkube().get("denied", [])
            review["status"] = {"allowed": f'{attributes.get("verb")} {attributes.get("resource")}' not in denied}
            return 201, review, {}
        return 404, status_object(404, "the server could not find the requested resource"), {}

    def route_namespaces(self, rest):
        state = self.server.state
        control = state.simkube()
        live = control.get("live", {})
        present = (state.namespaces | set(live)) - set(control.get("missingNamespaces", []))
        if not rest or rest[0] not in present:
            name = rest[0] if rest else ""
            return 404, status_object(404, f'namespaces "{name}" not found'), {}
        if len(rest) == 1 and self.command == "GET":
            return 200, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": rest[0]},
                         "status": {"phase": "Active"}}, {}
        if rest[1:] == ["pods"] and self.command == "GET":
            items = state.pods.get(rest[0], [])
            if rest[0] in live:
                items = live[rest[0]].get("pods", [])
            elif "pods" in control:
                # The driver creates the trace's objects once running and removes them when it finishes.
                running = any(simulation_state(obj, control) == "Running" for obj in state.simulations.values())
                items = control["pods"].get(rest[0], []) if running else []
            return 200, {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items}, {}
        return 404, status_object(404, "the server could not find the requested resource"), {}

    def route_pod_metrics(self, namespace):
        """PodMetrics from the control file's "podMetrics" while a Simulation runs, or a live
        namespace's; without that key the cluster has no metrics API (404)."""
        control = self.server.state.simkube()
        live = control.get("live", {})
        if namespace in live and "podMetrics" in live[namespace]:
            return 200, {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetricsList", "metadata": {},
                         "items": live[namespace]["podMetrics"]}, {}
        if namespace in live or "podMetrics" not in control:
            return 404, status_object(404, "the server could not find the requested resource"), {}
        running = any(simulation_state(obj, control) == "Running" for obj in self.server.state.simulations.values())
        items = control["podMetrics"].get(namespace, []) if running else []
        return 200, {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetricsList", "metadata": {}, "items": items}, {}

    def route_simulations(self, rest, body):
        state = self.server.state
        simulations = state.simulations
        control = state.simkube()
        if not rest:
            if self.command == "GET":
                query = self.path.split("?", 1)[1] if "?" in self.path else ""
                selector = next((unquote(part[len("labelSelector="):]) for part in query.split("&")
                                 if part.startswith("labelSelector=")), "")
                return 200, {"apiVersion": "simkube.io/v1", "kind": "SimulationList", "metadata": {},
                             "items": [public(obj, control) for obj in simulations.values() if matches(obj, selector)]}, {}
            if self.command == "POST":
                try:
                    obj = json.loads(body)
                except ValueError:
                    return 400, status_object(400, "the request body is not JSON"), {}
                name = obj.get("metadata", {}).get("name")
                if not name:
                    return 422, status_object(422, "metadata.name: Required value"), {}
                errors = schema_errors(obj, state.crd, "") if state.crd else []
                if errors:
                    details = ", ".join(error.lstrip(".") for error in errors)
                    return 422, status_object(422, f'Simulation.simkube.io "{name}" is invalid: {details}'), {}
                if name in simulations:
                    return 409, status_object(409, f'simulations.simkube.io "{name}" already exists'), {}
                obj["metadata"].update({"uid": str(uuid.uuid4()), "resourceVersion": "1",
                                        "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
                obj["_created"] = time.monotonic()
                simulations[name] = obj
                return 201, public(obj, control), {}
        name = rest[0]
        if name not in simulations:
            return 404, status_object(404, f'simulations.simkube.io "{name}" not found'), {}
        if self.command == "GET":
            return 200, public(simulations[name], control), {}
        if self.command == "DELETE":
            return 200, public(simulations.pop(name), control), {}
        if self.command == "PATCH":
            if self.headers.get("Content-Type") != "application/merge-patch+json":
                return 415, status_object(415, "the body of the request was in an unknown format"), {}
            merge(simulations[name], json.loads(body))
            return 200, public(simulations[name], control), {}
        return 405, status_object(405, "method not allowed"), {}

    def reply(self, code, payload, headers):
        data = json.dumps(payload).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client gave up (a slow-response test)


def merge(target, patch):
    """An RFC 7386 JSON merge patch."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # dropped and timed-out connections are part of the tests


def exit_with_parent():
    """Ends this process once its parent has gone (it is then adopted by another)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--token", action="append", default=[], help="USER=TOKEN")
    parser.add_argument("--basic", action="append", default=[], help="USER:PASSWORD")
    parser.add_argument("--cert", help="the server's certificate (PEM); enables TLS")
    parser.add_argument("--key", help="the server's private key (PEM)")
    parser.add_argument("--client-ca", help="the CA that signs accepted client certificates")
    parser.add_argument("--faults", help="JSON file: the list of faults for the next requests")
    parser.add_argument("--log", help="file to append one JSON line per request to")
    parser.add_argument("--crd", help="SimKube's CRD file: validate Simulations against its schema")
    parser.add_argument("--simkube", help="JSON file: the SimKube controller's timing and the cluster's contents")
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.state = State(args)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.load_verify_locations(args.client_ca)
            context.verify_mode = ssl.CERT_OPTIONAL
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    with open(args.port_file + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
