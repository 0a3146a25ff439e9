"""The suite's h2load scenarios (run_bench.py calls them with its Suite).

  h2load   signet alone under h2load: the Health/Check floor, cached
           GetToken and CallInnoPaaS (GET /bench on the nginx upstream)
  gopeer   signet against bench/peers/go (a grpc-go sidecar with the same
           CallInnoPaaS and cached GetToken), the same nginx upstream and
           emulator, the same h2load load, rounds alternating between them

Rows, one per leg and round (the round in the note): scenario "h2load",
path the RPC; scenario "gopeer", path "<server> <rpc>" (server signet or
go). report.py turns them into the "h2load" and "signet vs a Go sidecar"
tables.
"""
import os
import re
import shutil
import subprocess
import sys

import h2load

RPCS = ("health", "gettoken", "innopaas")
GO_PEER = "bench/signet-go-peer"  # under --bin-dir; bench/run.sh builds it


def suite_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def concurrencies(suite):
    return [1] if suite.args.mode == "smoke" else [1, 16, 64]


def rounds(suite):
    return 1 if suite.args.mode == "smoke" else 3


def missing_tools(scenarios):
    """The tools the selected scenarios need that are not installed: h2load
    and nghttp (nghttp2-client), protoc (protobuf-compiler), and for gopeer
    the Go toolchain, which builds bench/peers/go."""
    needed = []
    if {"h2load", "gopeer"} & set(scenarios):
        needed += ["h2load", "nghttp", "protoc"]
    if "gopeer" in scenarios:
        needed += ["go", "protoc-gen-go", "protoc-gen-go-grpc"]
    return [tool for tool in needed if shutil.which(tool) is None]


def require_tools(scenario):
    missing = missing_tools([scenario])
    if missing:
        raise RuntimeError(f"{', '.join(missing)} missing; run bench/install-deps.sh")


def leg(suite, scenario, path, proc, port, rpc, concurrency, note=""):
    """One measured h2load leg on the server at `port` (process `proc`),
    checked before and after with real calls; records and returns the row."""
    frame = h2load.frame_file(suite.dir, rpc, suite_root())
    suite.client(rpc, port, ["--burst=1"], check=True)
    status, answer_bytes = h2load.probe(port, rpc, frame)
    if status != 0:
        raise RuntimeError(f"{path}: a real {rpc} call answered grpc-status {status}")
    log_path = os.path.join(suite.dir, "h2load.log")
    before = proc.cpu_ticks()
    result = h2load.run(port, rpc, concurrency, suite.mode["duration"],
                        suite.mode["warmup"], frame, log_path)
    mismatch = h2load.check_size(result, answer_bytes)
    text = h2load.describe(concurrency) + (f", {note}" if note else "")
    if mismatch:
        # Not what a real answer looks like: count every call as failed.
        result["errors"] = result["calls"]
        result["throughput"] = "0"
        text += f"; FAILED size check: {mismatch}"
    # Recorded (the CPU read) before the check call below adds its own.
    row = suite.record(scenario, path, result, proc, before, note=text)
    suite.client(rpc, port, ["--burst=1"], check=True)
    return row


def h2load_scenario(suite):
    """Health floor, cached GetToken and CallInnoPaaS on signet, by h2load, in
    rounds (one leg is at the mercy of the machine's neighbours)."""
    require_tools("h2load")
    signet, port, _ = suite.start_signet()
    n = rounds(suite)
    for i in range(n):
        for c in concurrencies(suite):
            for rpc in RPCS:
                leg(suite, "h2load", rpc, signet, port, rpc, c, note=f"round {i + 1}/{n}")
    suite.facts["h2load_rounds"] = n
    signet.stop()


def go_peer_binary(suite):
    """The Go peer under --bin-dir, (re)built by bench/peers/go/build.sh: about
    a second with Go's build cache, and CI's smoke build does not run
    bench/run.sh."""
    binary = os.path.join(suite.bin, GO_PEER)
    build = os.path.join(suite_root(), "bench", "peers", "go", "build.sh")
    done = subprocess.run([build, binary], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{build} failed (run bench/install-deps.sh):\n"
                           f"{done.stdout}{done.stderr}")
    return binary


def start_go_peer(suite):
    # Proc, free_port and the credentials from run_bench (the __main__
    # module when run as a script).
    run_bench = sys.modules[type(suite).__module__]
    port = run_bench.free_port()
    proc = run_bench.Proc([
        go_peer_binary(suite), f"-listen=127.0.0.1:{port}",
        f"-upstream=http://127.0.0.1:{suite.upstream_port}",
        f"-app_key={run_bench.APP_KEY}", f"-authorization={run_bench.AUTHORIZATION}",
        f"-emulator=http://127.0.0.1:{suite.emulator_port}", "-app_id=app-123",
        f"-app_secret={run_bench.OPENAPI_SECRET}"], name="go-peer")
    suite.procs.append(proc)
    proc.wait_line("listening")
    suite.client("health", port, ["--burst=1"], check=True)
    return proc, port


def gopeer_scenario(suite):
    """signet vs the Go peer, rounds alternating which goes first."""
    require_tools("gopeer")
    go, go_port = start_go_peer(suite)
    signet, signet_port, _ = suite.start_signet()
    servers = [("signet", signet, signet_port), ("go", go, go_port)]
    n = rounds(suite)
    for i in range(n):
        order = servers if i % 2 == 0 else servers[::-1]
        for rpc in ("innopaas", "gettoken"):
            for c in concurrencies(suite):
                for name, proc, port in order:
                    leg(suite, "gopeer", f"{name} {rpc}", proc, port, rpc, c,
                        note=f"round {i + 1}/{n}")
    suite.facts["gopeer_rounds"] = n
    suite.facts["gopeer_versions"] = go_versions()
    signet.stop()
    go.stop()


def go_versions():
    def deb(package):
        try:
            version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                                     capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
        return re.sub(r"^\d+:", "", version) or "?"  # no epoch
    go = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True)
    return {"go": go.stdout.strip().replace("go", "", 1) or "?", "grpc-go": deb("golang-google-grpc-dev"),
            "protobuf-go": deb("golang-google-protobuf-dev"),
            "golang/protobuf": deb("golang-github-golang-protobuf-1-3-dev"),
            "h2load": deb("nghttp2-client")}
