#!/usr/bin/python3
"""signet's benchmark suite: every scenario side by side in one run.

    bench/run.sh [--mode smoke|quick|full]

Starts on 127.0.0.1: nginx as the upstream (a fixed JSON answer that
requires the AppKey header, and a 1 s slow location; the same over TLS for
the tls and slow scenarios), nginx as a
header-injecting reverse proxy (what a user would deploy instead of
signet), signet-emulator for OpenAPI tokens, and signet. Then runs:

  floor         Health/Check, the cheapest gRPC call signet can answer
  gettoken      cached GetToken
  innopaas      CallInnoPaaS via signet, vs the same request sent directly
                to nginx, vs through the nginx proxy (wrk for the HTTP legs)
  tls           CallInnoPaaS over plain HTTP, TLS + HTTP/1.1 and TLS + HTTP/2
                (a second nginx with a CA and certificate the suite makes):
                connections opened, TLS handshakes, CPU per call
  slow          1 s upstream, 5,000 calls/s open loop (5,000 in flight), over
                plain HTTP/1.1 and over TLS + HTTP/2
  singleflight  1,000 concurrent GetToken on a cold cache
  startup       exec to ready, idle RSS
  micro         Google Benchmark microbenchmarks (ns/op)
  h2load        floor, cached GetToken and CallInnoPaaS under h2load
  gopeer        signet vs a Go sidecar (bench/peers/go), same h2load load
                (both: bench/h2load_scenarios.py)

and writes results.csv, plots and, for quick/full, docs/benchmarks.md.
smoke is the CI check that the suite still runs (seconds; no targets).
"""
import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import h2load_scenarios  # bench/h2load_scenarios.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP_KEY = "bench-app-key"
AUTHORIZATION = "bench-authorization"
OPENAPI_SECRET = "emulator-openapi-secret"
TICKS = os.sysconf("SC_CLK_TCK")

MODES = {
    "smoke": dict(duration=1.0, warmup=0.3, concurrency=[1, 16], slow_rate=200,
                  slow_seconds=2.0, burst=200, micro_time=0.01),
    "quick": dict(duration=3.0, warmup=1.0, concurrency=[1, 16, 64, 256],
                  slow_rate=5000, slow_seconds=4.0, burst=1000, micro_time=0.1),
    "full": dict(duration=10.0, warmup=2.0, concurrency=[1, 16, 64, 256],
                 slow_rate=5000, slow_seconds=10.0, burst=1000, micro_time=0.5),
}

CSV_FIELDS = ["scenario", "path", "load", "calls", "errors", "seconds",
              "throughput", "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
              "cpu_us_per_call", "peak_rss_mb", "note"]


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Proc:
    """A child process whose stderr is collected, with /proc readings."""

    def __init__(self, argv, env=None, name=""):
        self.name = name or os.path.basename(argv[0])
        self.lines = []
        self.started = time.monotonic()
        self.popen = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_line(self, needle, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for stamp, line in list(self.lines):
                if needle in line:
                    return stamp, line
            if self.popen.poll() is not None:
                break
            time.sleep(0.005)
        tail = "\n".join(line for _, line in self.lines[-20:])
        raise RuntimeError(f"{self.name}: no line with {needle!r}:\n{tail}")

    def cpu_ticks(self, pid=None):
        with open(f"/proc/{pid or self.popen.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def status(self, key, pid=None):
        with open(f"/proc/{pid or self.popen.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()


# Shared by both nginx instances: one worker, no logs, long keep-alive.
NGINX_COMMON = """worker_processes 1;
worker_rlimit_nofile 65536;
pid {dir}/{name}.pid;
error_log {dir}/{name}.error.log warn;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
"""

# The upstream's answers, served alike over plain HTTP and TLS.
NGINX_LOCATIONS = """
    # The AppKey check makes a request without signet's header fail loudly.
    location = /bench {{
      if ($http_appkey != "{app_key}") {{ return 401; }}
      default_type application/json;
      return 200 '{{"code":0,"msg":"ok","data":{{"id":12345,"items":[1,2,3]}}}}';
    }}
    location = /slow {{
      if ($http_appkey != "{app_key}") {{ return 401; }}
      default_type application/json;
      echo_sleep 1;
      echo '{{"code":0,"msg":"slow"}}';
    }}
"""

NGINX_UPSTREAM = """
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
{common}  server {{
    listen 127.0.0.1:{port} backlog=8192;""" + NGINX_LOCATIONS + """
    location = /nginx_status {{ stub_status; }}
  }}
}}
"""

# The TLS upstreams: the same answers on an HTTP/1.1-only port (ALPN offers
# only http/1.1) and an HTTP/2 one, with a CA and certificate the suite makes.
# Each connection's first request is logged (port, "r" for a resumed TLS
# session or "." for a full handshake, protocol), so the log counts
# connections and handshakes as the server saw them.
NGINX_TLS = """
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
{common}  map $connection_requests $first_request {{ 1 1; default 0; }}
  log_format connection '$msec $server_port $ssl_session_reused $ssl_protocol $server_protocol';
  ssl_certificate {dir}/server.pem;
  ssl_certificate_key {dir}/server.key;
  # nginx 1.22 defaults to TLSv1-1.2; production upstreams speak 1.3.
  ssl_protocols TLSv1.2 TLSv1.3;
  # Resumption: tickets (on by default) for 1.3, and a session cache.
  ssl_session_cache shared:bench:10m;
  # nginx's default is 128 streams per connection; signet asks curl for up
  # to 1,000 (CURLMOPT_MAX_CONCURRENT_STREAMS). At 128, 5,000 slow calls in
  # flight need 40 connections or more; at 1,000, one per signet connection
  # pool (8). A real upstream's limit is its own.
  http2_max_concurrent_streams 1000;
  server {{
    listen 127.0.0.1:{h1_port} ssl backlog=8192;
    access_log {dir}/tls-connections.log connection if=$first_request;""" + NGINX_LOCATIONS + """
  }}
  server {{
    listen 127.0.0.1:{h2_port} ssl http2 backlog=8192;
    access_log {dir}/tls-connections.log connection if=$first_request;""" + NGINX_LOCATIONS + """
  }}
  server {{
    listen 127.0.0.1:{port};
    location = /nginx_status {{ stub_status; }}
  }}
}}
"""

NGINX_PROXY = """
{common}  upstream api {{
    server 127.0.0.1:{upstream};
    keepalive 256;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=8192;
    location / {{
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header AppKey "{app_key}";
      proxy_set_header Authorization "{authorization}";
      proxy_set_header Content-Type "application/json;charset=utf-8";
    }}
  }}
}}
"""

SIGNET_CONFIG = """
listen: 127.0.0.1:{port}
admin_listen: 127.0.0.1:{admin}
default_deadline: 30s
# The slow scenario holds 5,000 calls in flight, above the default cap of 2,048.
max_in_flight: 8192
openapi:
  default:
    base_url: http://127.0.0.1:{emulator}
    allow_insecure_http: true
    app_id: app-123
    app_secret: {{value: {secret}}}
    prewarm: {prewarm}
innopaas:
  default:
    base_url: http://127.0.0.1:{upstream}
    allow_insecure_http: true
    app_key: {{value: {app_key}}}
    authorization: {{value: {authorization}}}
"""

# InnoPaaS profiles for the TLS upstreams, added to the config of the signets
# that call them: the suite's CA is the only one they trust.
SIGNET_TLS_PROFILES = """  tls_h1:
    base_url: https://127.0.0.1:{h1_port}
    app_key: {{value: {app_key}}}
    authorization: {{value: {authorization}}}
    upstream: {{ca_bundle: {ca}}}
  tls_h2:
    base_url: https://127.0.0.1:{h2_port}
    app_key: {{value: {app_key}}}
    authorization: {{value: {authorization}}}
    upstream: {{ca_bundle: {ca}}}
"""

# The TLS scenario's paths: (label, signet profile).
TLS_PATHS = [("plain", "default"), ("tls-h1", "tls_h1"), ("tls-h2", "tls_h2")]


# Suite methods, in the order a run calls them.
SCENARIOS = ["startup", "throughput", "tls", "slow", "singleflight", "micro",
             "h2load", "gopeer"]


class Suite:
    def __init__(self, args):
        self.args = args
        self.mode = MODES[args.mode]
        self.bin = args.bin_dir
        self.dir = tempfile.mkdtemp(prefix="signet-bench-")
        self.rows = []
        self.facts = {}
        self.procs = []
        self.tls_upstream = None  # see start_tls_upstream

    # --- processes -------------------------------------------------------
    def start_nginx(self, template, name, **values):
        port = free_port()
        conf = os.path.join(self.dir, f"{name}.conf")
        with open(conf, "w") as f:
            common = NGINX_COMMON.format(dir=self.dir, name=name)
            f.write(template.format(dir=self.dir, port=port, app_key=APP_KEY,
                                    authorization=AUTHORIZATION, common=common,
                                    **values))
        proc = Proc(["nginx", "-p", self.dir, "-c", conf, "-g", "daemon off;"],
                    name=name)
        self.procs.append(proc)
        wait_port(port)
        return proc, port

    def nginx_worker(self, proc):
        children = subprocess.run(["pgrep", "-P", str(proc.popen.pid)],
                                  capture_output=True, text=True).stdout.split()
        return int(children[0]) if children else proc.popen.pid

    def make_certificates(self):
        """A CA and a server certificate for 127.0.0.1 (RSA 2048, as most
        public upstreams still use), in the suite's temp dir."""
        def openssl(*argv):
            subprocess.run(["openssl", *argv], cwd=self.dir, check=True,
                           capture_output=True)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=signet bench CA", "-keyout", "ca.key", "-out", "ca.pem",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "server.key", "-out", "server.csr")
        with open(os.path.join(self.dir, "server.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "server.ext",
                "-out", "server.pem")
        return os.path.join(self.dir, "ca.pem")

    def start_tls_upstream(self):
        """The TLS nginx (HTTP/1.1 and HTTP/2 ports), started once, on first use."""
        if self.tls_upstream is None:
            ca = self.make_certificates()
            h1_port, h2_port = free_port(), free_port()
            proc, status_port = self.start_nginx(NGINX_TLS, "tls", h1_port=h1_port,
                                                 h2_port=h2_port)
            wait_port(h1_port)
            wait_port(h2_port)
            self.tls_upstream = dict(proc=proc, ca=ca, h1_port=h1_port, h2_port=h2_port,
                                     status_port=status_port)
        return self.tls_upstream

    def tls_connection_log(self):
        """(time, port, resumed, protocol, http version) per TLS connection
        nginx has answered a first request on, oldest first."""
        path = os.path.join(self.dir, "tls-connections.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [(float(t), int(port), reused == "r", proto, version)
                    for t, port, reused, proto, version in
                    (line.split() for line in f if line.strip())]

    def nginx_counters(self, status_port):
        """stub_status: (connections accepted, requests), both counting this query."""
        with urllib.request.urlopen(f"http://127.0.0.1:{status_port}/nginx_status",
                                    timeout=5) as r:
            text = r.read().decode()
        accepts, _, requests = re.search(r"^\s*(\d+) (\d+) (\d+)", text, re.M).groups()
        return int(accepts), int(requests)

    def start_emulator(self):
        port = free_port()
        proc = Proc([os.path.join(self.bin, "emulator/signet-emulator"),
                     f"--port={port}", "--threads=8"], name="emulator")
        self.procs.append(proc)
        proc.wait_line("listening")
        return proc, port

    def write_config(self, port, admin, prewarm, tls=False):
        config = os.path.join(self.dir, f"signet-{port}.yaml")
        text = SIGNET_CONFIG.format(
            port=port, admin=admin, emulator=self.emulator_port,
            upstream=self.upstream_port, secret=OPENAPI_SECRET,
            app_key=APP_KEY, authorization=AUTHORIZATION,
            prewarm="true" if prewarm else "false")
        if tls:
            up = self.start_tls_upstream()
            text = text.replace("\ninnopaas:\n", "\ninnopaas:\n" + SIGNET_TLS_PROFILES.format(
                h1_port=up["h1_port"], h2_port=up["h2_port"], ca=up["ca"],
                app_key=APP_KEY, authorization=AUTHORIZATION), 1)
        with open(config, "w") as f:
            f.write(text)
        return config

    def start_signet(self, prewarm=True, tls=False):
        port, admin = free_port(), free_port()
        config = self.write_config(port, admin, prewarm, tls)
        # warning: no access line per call, as a busy production sidecar
        # would run (the access line costs a write per call).
        proc = Proc([os.path.join(self.bin, "src/signet"), "--config", config,
                     "--log-level", "warning"], name="signet")
        self.procs.append(proc)
        wait_port(port)
        # readiness: Health SERVING (checked by a one-call health run; NOT_SERVING
        # until the prewarmed token is in, which a busy machine delays)
        end = time.monotonic() + 20
        while True:
            try:
                self.client("health", port, ["--burst=1"], check=True)
                break
            except RuntimeError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        return proc, port, admin

    def client(self, rpc, port, extra, check=False):
        argv = [os.path.join(self.bin, "bench/signet-bench-client"),
                f"--target=127.0.0.1:{port}", f"--rpc={rpc}"] + extra
        done = subprocess.run(argv, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
        if done.stderr.strip():
            log(f"{rpc} client: {done.stderr.strip()}")
        fields = done.stdout.strip().split(",")
        keys = ["rpc", "mode", "load", "calls", "errors", "seconds", "throughput",
                "p50_us", "p90_us", "p99_us", "p999_us", "max_us"]
        return dict(zip(keys, fields))

    def metric(self, admin, series):
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(series + " "):
                    return float(line.split()[1])
        return 0.0

    # --- measurement helpers --------------------------------------------
    def timing(self):
        return ["--duration=%gs" % self.mode["duration"],
                "--warmup=%gs" % self.mode["warmup"]]

    def record(self, scenario, path, result, proc=None, cpu_before=None, pid=None,
               note=""):
        row = {k: result.get(k, "") for k in CSV_FIELDS}
        row.update(scenario=scenario, path=path, note=note)
        calls = float(result.get("calls") or 0)
        if proc is not None and cpu_before is not None and calls:
            # CPU over warm-up + measured time, spread over the measured calls
            # scaled to the whole run (calls arrive at a steady rate).
            ticks = proc.cpu_ticks(pid) - cpu_before
            total = self.mode["duration"] + self.mode["warmup"]
            scaled_calls = calls * total / self.mode["duration"]
            row["cpu_us_per_call"] = "%.1f" % (ticks / TICKS * 1e6 / scaled_calls)
        if proc is not None:
            row["peak_rss_mb"] = "%.1f" % (proc.status("VmHWM", pid) / 1024)
        self.rows.append(row)
        log(f"{scenario:12} {path:12} load={row['load']:>5} calls={row['calls']:>7} "
            f"errors={row['errors']} thr={row['throughput']:>9}/s "
            f"p50={row['p50_us']}us p99={row['p99_us']}us "
            f"cpu/call={row['cpu_us_per_call'] or '-'}us")
        return row

    def wrk(self, port, concurrency, headers):
        argv = ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency),
                "-d", "%gs" % self.mode["duration"], "--latency"]
        for name, value in headers:
            argv += ["-H", f"{name}: {value}"]
        url = f"http://127.0.0.1:{port}/bench"
        subprocess.run(argv[:6] + ["-d", "%gs" % self.mode["warmup"], url],
                       capture_output=True)  # warm-up, discarded
        out = subprocess.run(argv + [url], capture_output=True, text=True).stdout
        return parse_wrk(out, concurrency, self.mode["duration"])

    # --- scenarios -------------------------------------------------------
    def run(self):
        self.upstream, self.upstream_port = self.start_nginx(NGINX_UPSTREAM, "upstream")
        self.proxy, self.proxy_port = self.start_nginx(
            NGINX_PROXY, "proxy", upstream=self.upstream_port)
        self.emulator, self.emulator_port = self.start_emulator()
        only = set(self.args.only.split(",")) if self.args.only else set(SCENARIOS)
        for scenario in SCENARIOS:
            if scenario in only:
                getattr(self, scenario)()

    def throughput(self):
        signet, port, admin = self.start_signet()
        concurrencies = self.mode["concurrency"]
        for c in (concurrencies[0], 64) if self.args.mode != "smoke" else (1, 16):
            before = signet.cpu_ticks()
            result = self.client("health", port, [f"--concurrency={c}"] + self.timing())
            self.record("floor", "gateway", result, signet, before)
            before = signet.cpu_ticks()
            result = self.client("gettoken", port, [f"--concurrency={c}"] + self.timing())
            self.record("gettoken", "gateway", result, signet, before)
        # The token fetches (floor and GetToken legs) opened connections to
        # the emulator; only the forwarded calls' connections count here.
        opened_before = self.metric(admin, "signet_upstream_connections_opened_total")
        innopaas_calls = 0
        proxy_worker = self.nginx_worker(self.proxy)
        for c in concurrencies:
            before = signet.cpu_ticks()
            result = self.client("innopaas", port, [f"--concurrency={c}", "--path=/bench",
                                                    f"--channels={min(c, 4)}"] + self.timing())
            innopaas_calls += int(result.get("calls") or 0)
            self.record("innopaas", "gateway", result, signet, before)
            result = self.wrk(self.upstream_port, c, [("AppKey", APP_KEY),
                                                      ("Authorization", AUTHORIZATION)])
            self.record("innopaas", "direct", result)
            before = self.proxy.cpu_ticks(proxy_worker)
            result = self.wrk(self.proxy_port, c, [])
            self.record("innopaas", "nginx-proxy", result, self.proxy, before, proxy_worker)
        opened = self.metric(admin, "signet_upstream_connections_opened_total")
        self.facts["connections_opened"] = opened - opened_before
        self.facts["innopaas_calls_measured"] = innopaas_calls
        self.facts["connection_pool"] = 256
        signet.stop()

    def tls(self):
        """CallInnoPaaS over plain HTTP, TLS + HTTP/1.1 and TLS + HTTP/2.

        One fresh signet per leg, so each leg starts cold: its connections
        and handshakes are all the leg needed, none carried over. Connections
        are counted by signet (signet_upstream_connections_opened_total) and
        by nginx (stub_status accepts); TLS handshakes by nginx's log of each
        connection's first request: full ("."), or resumed ("r") from a
        session signet kept (curl's share handle)."""
        up = self.start_tls_upstream()
        status_ports = {"plain": self.upstream_port, "tls-h1": up["status_port"],
                        "tls-h2": up["status_port"]}
        server_ports = {"tls-h1": up["h1_port"], "tls-h2": up["h2_port"]}
        loads = [1] if self.args.mode == "smoke" else [1, 16, 64]
        legs = self.facts.setdefault("tls", [])
        for c in loads:
            plain_cpu = None
            for path, profile in TLS_PATHS:
                signet, port, admin = self.start_signet(tls=True)
                opened_before = self.metric(admin, "signet_upstream_connections_opened_total")
                accepts_before, requests_before = self.nginx_counters(status_ports[path])
                seen = len(self.tls_connection_log())
                before = signet.cpu_ticks()
                started = time.time()
                result = self.client("innopaas", port, [
                    f"--concurrency={c}", "--path=/bench", f"--channels={min(c, 4)}",
                    f"--profile={profile}"] + self.timing())
                row = self.record("tls", path, result, signet, before)
                opened = self.metric(admin, "signet_upstream_connections_opened_total")
                signet.stop()
                accepts, requests = self.nginx_counters(status_ports[path])
                # This query and the one before it are one connection and
                # request each.
                accepted = accepts - accepts_before - 1
                served = requests - requests_before - 1
                conns = [entry for entry in self.tls_connection_log()[seen:]
                         if entry[1] == server_ports.get(path)]
                warm_until = started + self.mode["warmup"]
                later = [entry for entry in conns if entry[0] > warm_until]
                full = sum(1 for entry in conns if not entry[2])
                calls = int(result.get("calls") or 0)
                cpu = _float(row["cpu_us_per_call"])
                if path == "plain":
                    plain_cpu = cpu
                leg = dict(path=path, load=c, calls=calls, served=served,
                           errors=int(result.get("errors") or 0),
                           throughput=_float(result.get("throughput")),
                           p50_us=_float(result.get("p50_us")),
                           p99_us=_float(result.get("p99_us")),
                           cpu_us_per_call=cpu,
                           cpu_ratio=(cpu / plain_cpu) if cpu and plain_cpu else None,
                           connections_opened=opened - opened_before,
                           connections_accepted=accepted,
                           handshakes=len(conns) if path != "plain" else None,
                           full_handshakes=full if path != "plain" else None,
                           resumed=len(conns) - full if path != "plain" else None,
                           handshakes_after_warmup=len(later) if path != "plain" else None,
                           protocols=sorted({f"{e[3]} {e[4]}" for e in conns}))
                # Handshakes per 100,000 calls: those of the cold start
                # (warm-up) once, plus the measured window's rate. A short
                # leg would otherwise count its one-off start-up as a rate.
                if path != "plain" and calls > 0:
                    leg["handshakes_per_100k"] = (len(conns) - len(later)
                                                  + len(later) * 1e5 / calls)
                legs.append(leg)
                note = (f"{leg['connections_opened']:.0f} connections opened "
                        f"({accepted} accepted by nginx)")
                if path != "plain":
                    note += (f", {len(conns)} TLS handshakes ({full} full, "
                             f"{len(conns) - full} resumed; {len(later)} after warm-up) "
                             f"over {served} calls; " + ", ".join(leg["protocols"]))
                if leg["cpu_ratio"]:
                    note += f"; CPU {leg['cpu_ratio']:.2f}x plain"
                row["note"] = note
                log(f"tls          {path:12} load={c:>5} {note}")

    def slow(self):
        # Over plain HTTP/1.1 (a connection per call in flight), then over
        # TLS + HTTP/2, where the calls in flight share a few multiplexed
        # connections. The facts keep the plain leg's keys; the TLS leg's
        # start with slow_tls_h2_.
        for profile, label, key in (("default", "gateway", "slow"),
                                    ("tls_h2", "gateway-tls-h2", "slow_tls_h2")):
            tls = profile != "default"
            signet, port, admin = self.start_signet(tls=tls)
            seen = len(self.tls_connection_log())
            opened_before = self.metric(admin, "signet_upstream_connections_opened_total")
            idle_threads = signet.status("Threads")
            peak = [idle_threads]
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], signet.status("Threads"))
                    time.sleep(0.05)
            sampler = threading.Thread(target=sample)
            sampler.start()
            rate = self.mode["slow_rate"]
            before = signet.cpu_ticks()
            result = self.client("innopaas", port, [
                f"--rate={rate}", "--path=/slow", "--channels=4",
                f"--profile={profile}",
                "--duration=%gs" % self.mode["slow_seconds"], "--warmup=1.5s"])
            stop.set()
            sampler.join()
            opened = self.metric(admin, "signet_upstream_connections_opened_total")
            opened -= opened_before
            self.facts.update({"slow_rate": rate, f"{key}_idle_threads": idle_threads,
                               f"{key}_peak_threads": peak[0],
                               f"{key}_connections_opened": opened})
            note = (f"threads idle {idle_threads}, peak {peak[0]}; "
                    f"{opened:.0f} upstream connections opened")
            if tls:
                conns = [e for e in self.tls_connection_log()[seen:]
                         if e[1] == self.tls_upstream["h2_port"]]
                full = sum(1 for e in conns if not e[2])
                self.facts.update({f"{key}_handshakes": len(conns),
                                   f"{key}_full_handshakes": full})
                note += (f" ({len(conns)} TLS handshakes at nginx, {full} full; "
                         + ", ".join(sorted({f"{e[3]} {e[4]}" for e in conns})) + ")")
            self.record("slow", label, result, signet, before, note=note)
            signet.stop()

    def singleflight(self):
        signet, port, admin = self.start_signet(prewarm=False)
        issued = lambda: json.load(urllib.request.urlopen(  # noqa: E731
            f"http://127.0.0.1:{self.emulator_port}/__stats", timeout=5))["tokens_issued"]
        before = issued()
        burst = self.mode["burst"]
        # The same burst of the cheapest call: what 1,000 simultaneous gRPC
        # calls cost here before any token logic.
        floor = self.client("health", port, [f"--burst={burst}", "--channels=4"])
        self.record("singleflight", "floor-burst", floor, note="Health/Check burst, for reference")
        self.facts["burst_floor_p99_us"] = float(floor.get("p99_us") or 0)
        result = self.client("gettoken", port, [f"--burst={burst}", "--channels=4"])
        after = issued()
        fetch = self.metric(admin, 'signet_upstream_request_duration_seconds_sum'
                                   '{profile="default",status="200"}')
        self.facts.update(singleflight_burst=burst, singleflight_issued=after - before,
                          singleflight_fetch_us=fetch * 1e6)
        self.record("singleflight", "gateway", result, signet, None,
                    note=f"{after - before} token request(s) upstream; fetch took "
                         f"{fetch * 1e6:.0f} us")
        signet.stop()

    def startup(self):
        times, rss, anon = [], [], []
        for _ in range(3 if self.args.mode != "smoke" else 1):
            config = self.write_config(free_port(), free_port(), prewarm=True)
            proc = Proc([os.path.join(self.bin, "src/signet"), "--config", config],
                        name="signet-startup")
            stamp, _ = proc.wait_line('"msg":"ready"')
            times.append((stamp - proc.started) * 1000)
            time.sleep(0.5)
            rss.append(proc.status("VmRSS") / 1024)
            anon.append(proc.status("RssAnon") / 1024)
            proc.stop()
        self.facts.update(startup_ms=min(times), idle_rss_mb=min(rss),
                          idle_rss_anon_mb=min(anon))
        self.rows.append(dict(scenario="startup", path="gateway", load="1",
                              calls=str(len(times)), errors="0",
                              note="exec to ready %.1f ms (best of %d), idle RSS %.1f MB "
                                   "(%.1f MB private)"
                                   % (min(times), len(times), min(rss), min(anon))))
        log(f"startup: {min(times):.1f} ms to ready, idle RSS {min(rss):.1f} MB")

    def micro(self):
        binary = os.path.join(self.bin, "bench/micro/signet-micro-bench")
        if not os.path.exists(binary):
            log("no microbenchmark binary (libbenchmark-dev missing?)")
            return
        out = subprocess.run([binary, "--benchmark_format=json",
                              "--benchmark_min_time=%g" % self.mode["micro_time"]],
                             capture_output=True, text=True, check=True).stdout
        self.facts["micro"] = [(b["name"], b["cpu_time"], b["time_unit"])
                               for b in json.loads(out)["benchmarks"]]

    def h2load(self):
        h2load_scenarios.h2load_scenario(self)

    def gopeer(self):
        h2load_scenarios.gopeer_scenario(self)

    def close(self):
        for proc in reversed(self.procs):
            proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def parse_wrk(out, concurrency, seconds):
    def micros(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
    result = {"mode": "closed", "load": str(concurrency), "seconds": str(seconds)}
    for q, key in (("50%", "p50_us"), ("90%", "p90_us"), ("99%", "p99_us")):
        m = re.search(rf"^\s+{q}\s+(\S+)", out, re.M)
        result[key] = "%.1f" % micros(m.group(1)) if m else ""
    m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    result["max_us"] = "%.1f" % micros(m.group(1)) if m else ""
    m = re.search(r"(\d+) requests in", out)
    result["calls"] = m.group(1) if m else "0"
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["throughput"] = m.group(1) if m else "0"
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)",
                    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
        m = re.search(pattern, out)
        if m:
            errors += sum(int(g) for g in m.groups())
    result["errors"] = str(errors)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=MODES, default="quick")
    parser.add_argument("--only", default=None,
                        help="comma-separated scenarios to run (for tuning; "
                             "the report then shows only those): " + ",".join(SCENARIOS))
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--out-dir", default=None)
    parser.add_argument("--report", default=None,
                        help="write the Markdown report here (quick/full: docs/benchmarks.md)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the mode's saved results "
                             "(after editing bench/analysis.md)")
    args = parser.parse_args()
    # A partial run (--only) never overwrites the published results.
    partial = "-only" if args.only else ""
    out_dir = args.out_dir or os.path.join(ROOT, "bench", "results", args.mode + partial)
    os.makedirs(out_dir, exist_ok=True)
    import report  # bench/report.py
    report_path = args.report or (os.path.join(out_dir, "report.md") if partial else
                                  os.path.join(ROOT, "docs", "benchmarks.md"))
    if args.report_only:
        rows, facts, plots, elapsed = report.load(out_dir)
        report.write_markdown(report_path, args.mode, rows, facts, plots, out_dir,
                              elapsed)
        return
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"bench: {tool} is missing; run bench/install-deps.sh")
    missing = h2load_scenarios.missing_tools(args.only.split(",") if args.only else SCENARIOS)
    if missing:
        sys.exit(f"bench: not installed: {', '.join(missing)} (the h2load scenarios need "
                 "nghttp2-client and protoc, gopeer also the Go toolchain); "
                 "run bench/install-deps.sh")
    os.environ["PATH"] += ":/usr/sbin"
    suite = Suite(args)
    started = time.monotonic()
    try:
        suite.run()
    finally:
        suite.close()
    elapsed = time.monotonic() - started
    suite.facts["elapsed_s"] = elapsed
    suite.facts["run_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    report.write_csv(os.path.join(out_dir, "results.csv"), CSV_FIELDS, suite.rows)
    with open(os.path.join(out_dir, "facts.json"), "w") as f:
        json.dump(suite.facts, f, indent=1)
    failures = [r for r in suite.rows if r.get("errors") not in ("", "0")]
    if args.mode == "smoke":
        log(f"smoke: {len(suite.rows)} rows in {elapsed:.0f}s, "
            f"{len(failures)} with errors")
        sys.exit(1 if failures else 0)
    plots = report.plot(suite.rows, out_dir)
    report.write_markdown(report_path, args.mode, suite.rows, suite.facts, plots,
                          out_dir, elapsed)
    log(f"wrote {report_path} and {out_dir} in {elapsed:.0f}s")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
