"""Writes the benchmark suite's CSV, plots and docs/benchmarks.md."""
import csv
import datetime
import os
import platform
import re
import shutil
import subprocess


def write_csv(path, fields, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def load(out_dir):
    """Rows, facts, plots and run time saved by a previous run."""
    import json
    with open(os.path.join(out_dir, "results.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out_dir, "facts.json")) as f:
        facts = json.load(f)
    plots = [p for p in ("latency.png", "throughput.png")
             if os.path.exists(os.path.join(out_dir, p))]
    return rows, facts, plots, facts.get("elapsed_s", 0)


def _num(row, key):
    try:
        return float(row.get(key) or "nan")
    except ValueError:
        return float("nan")


def _find(rows, scenario, path, load=None):
    for row in rows:
        if row["scenario"] == scenario and row["path"] == path and (
                load is None or row.get("load") == str(load)):
            return row
    return None


def plot(rows, out_dir):
    """latency.png and throughput.png: gateway vs direct vs nginx proxy."""
    if shutil.which("gnuplot") is None:
        return []
    paths = ["gateway", "direct", "nginx-proxy"]
    data = os.path.join(out_dir, "innopaas.dat")
    with open(data, "w") as f:
        f.write("# concurrency " + " ".join(
            f"{p}_p50 {p}_p99 {p}_thr" for p in paths) + "\n")
        loads = sorted({int(r["load"]) for r in rows if r["scenario"] == "innopaas"})
        for load in loads:
            values = []
            for p in paths:
                row = _find(rows, "innopaas", p, load) or {}
                values += [_num(row, "p50_us"), _num(row, "p99_us"),
                           _num(row, "throughput")]
            f.write(f"{load} " + " ".join("%.1f" % v for v in values) + "\n")
    script = f"""
set terminal pngcairo size 900,540 noenhanced font ",10"
set datafile missing "nan"
set logscale x 2
set grid
set key left top
set xlabel "concurrency (closed loop)"
set output "{out_dir}/latency.png"
set title "CallInnoPaaS latency: signet vs direct HTTP vs nginx proxy (same nginx upstream)"
set ylabel "microseconds"
set logscale y
plot "{data}" using 1:2 with linespoints title "signet p50", \\
     "{data}" using 1:3 with linespoints title "signet p99", \\
     "{data}" using 1:5 with linespoints title "direct p50", \\
     "{data}" using 1:6 with linespoints title "direct p99", \\
     "{data}" using 1:8 with linespoints title "nginx proxy p50", \\
     "{data}" using 1:9 with linespoints title "nginx proxy p99"
set output "{out_dir}/throughput.png"
set title "CallInnoPaaS throughput"
unset logscale y
set ylabel "calls per second"
plot "{data}" using 1:4 with linespoints title "signet", \\
     "{data}" using 1:7 with linespoints title "direct", \\
     "{data}" using 1:10 with linespoints title "nginx proxy"
"""
    result = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if result.returncode != 0:
        return []
    return ["latency.png", "throughput.png"]


def _versions():
    def first(argv, pattern=None):
        try:
            out = subprocess.run(argv, capture_output=True, text=True)
            text = (out.stdout + out.stderr).strip()
        except OSError:
            return "?"
        if pattern:
            m = re.search(pattern, text)
            return m.group(1) if m else "?"
        return text.splitlines()[0] if text else "?"

    def deb(package):
        return first(["dpkg-query", "-W", "-f=${Version}", package])
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{mem_gib:.0f} GiB",
        "kernel": platform.release(),
        "OS": first(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]),
        "gRPC": deb("libgrpc++-dev"),
        "libcurl": deb("libcurl4-openssl-dev"),
        "nginx": first(["/usr/sbin/nginx", "-v"], r"nginx/(\S+)"),
        "wrk": deb("wrk"),
        "compiler": first(["c++", "--version"]),
    }


def _targets(rows, facts):
    """(scenario, target, measured, met) for every target of issue 4."""
    out = []

    def add(scenario, target, measured, met):
        out.append((scenario, target, measured, "met" if met else "**missed**"))
    floor1, floor64 = _find(rows, "floor", "gateway", 1), _find(rows, "floor", "gateway", 64)
    tok1, tok64 = _find(rows, "gettoken", "gateway", 1), _find(rows, "gettoken", "gateway", 64)
    if floor64 and tok64:
        ratio = _num(tok64, "throughput") / _num(floor64, "throughput")
        add("2 cached GetToken", "throughput ≥ 90% of floor at c=64",
            f"{ratio * 100:.0f}%", ratio >= 0.9)
    if floor1 and tok1:
        ratio = _num(tok1, "p50_us") / _num(floor1, "p50_us")
        add("2 cached GetToken", "p50 ≤ 1.1× floor at c=1", f"{ratio:.2f}×", ratio <= 1.1)
        cpus = [_num(r, "cpu_us_per_call") for r in (tok1, tok64) if r]
        add("2 cached GetToken", "≤ 20 µs gateway CPU per call",
            " / ".join(f"{c:.1f} µs" for c in cpus), max(cpus) <= 20)
    gw1, direct1 = _find(rows, "innopaas", "gateway", 1), _find(rows, "innopaas", "direct", 1)
    if gw1 and direct1:
        added = _num(gw1, "p50_us") - _num(direct1, "p50_us")
        add("3 CallInnoPaaS", "added p50 ≤ 100 µs over direct at c=1",
            f"{added:.0f} µs", added <= 100)
    loads = sorted({int(r["load"]) for r in rows if r["scenario"] == "innopaas"})
    for load in loads:
        gw, proxy = _find(rows, "innopaas", "gateway", load), _find(rows, "innopaas", "nginx-proxy", load)
        if gw and proxy:
            ratio = _num(gw, "throughput") / _num(proxy, "throughput")
            add("3 CallInnoPaaS", f"throughput ≥ nginx proxy at c={load}",
                f"{_num(gw, 'throughput'):.0f} vs {_num(proxy, 'throughput'):.0f}/s "
                f"({ratio * 100:.0f}%)", ratio >= 1.0)
    cpus = [_num(r, "cpu_us_per_call") for r in rows
            if r["scenario"] == "innopaas" and r["path"] == "gateway"]
    if cpus:
        add("3 CallInnoPaaS", "≤ 50 µs gateway CPU per call",
            f"{min(cpus):.1f}–{max(cpus):.1f} µs", max(cpus) <= 50)
    if "connections_opened" in facts:
        add("3 CallInnoPaaS",
            "upstream connections reused: at most one per concurrent call (256)",
            f"{facts['connections_opened']:.0f} opened over "
            f"{facts['innopaas_calls_measured']} measured calls",
            facts["connections_opened"] <= facts["connection_pool"])
    out += _round2_targets(rows)
    out += _tls_targets(facts)
    # The slow upstream is judged over TLS + HTTP/2 when that leg ran; the
    # plain HTTP/1.1 leg is quoted beside it.
    plain = _find(rows, "slow", "gateway")
    slow, key, name = _find(rows, "slow", "gateway-tls-h2"), "slow_tls_h2", "4 slow upstream (TLS + h2)"
    if slow is None:
        slow, key, name, plain = plain, "slow", "4 slow upstream", None

    def also(value):
        return f" (plain HTTP/1.1: {value})" if plain else ""
    if slow:
        rate = facts["slow_rate"]
        add(name, "zero errors", slow["errors"] + also(plain and plain["errors"]),
            slow["errors"] == "0")
        add(name, f"throughput ≥ 90% of {rate}/s",
            f"{_num(slow, 'throughput'):.0f}/s"
            + also(plain and f"{_num(plain, 'throughput'):.0f}/s"),
            _num(slow, "throughput") >= 0.9 * rate)
        add(name, "thread count as at idle",
            f"{facts[key + '_idle_threads']} idle, {facts[key + '_peak_threads']} peak"
            + also(plain and f"{facts.get('slow_idle_threads')} idle, "
                             f"{facts.get('slow_peak_threads')} peak"),
            facts[key + "_peak_threads"] == facts[key + "_idle_threads"])
        add(name, "RSS ≤ 256 MB", f"{slow['peak_rss_mb']} MB"
            + also(plain and f"{plain['peak_rss_mb']} MB"),
            _num(slow, "peak_rss_mb") <= 256)
        if key + "_connections_opened" in facts:
            opened = facts[key + "_connections_opened"]
            out.append((name, "upstream connections used (calls in flight share them)",
                        f"{opened:.0f}" + also(plain and "%.0f" % facts.get(
                            "slow_connections_opened", float("nan"))), "(fact)"))
    sf = _find(rows, "singleflight", "gateway")
    if sf:
        add("5 single flight", f"{facts['singleflight_burst']} cold GetToken → 1 upstream request",
            str(facts["singleflight_issued"]), facts["singleflight_issued"] == 1)
        bound = facts["singleflight_fetch_us"] + 5000
        add("5 single flight", "p99 ≤ upstream round trip + 5 ms",
            f"{_num(sf, 'p99_us') / 1000:.1f} ms (bound {bound / 1000:.1f} ms; the same "
            f"burst of Health/Check: p99 {facts.get('burst_floor_p99_us', 0) / 1000:.1f} ms)",
            _num(sf, "p99_us") <= bound)
    if "startup_ms" in facts:
        add("6 start-up", "exec to Health SERVING ≤ 100 ms",
            f"{facts['startup_ms']:.0f} ms", facts["startup_ms"] <= 100)
        add("6 start-up", "idle RSS ≤ 20 MB",
            f"{facts['idle_rss_mb']:.1f} MB ({facts.get('idle_rss_anon_mb', 0):.1f} MB "
            "private, the rest shared library pages)", facts["idle_rss_mb"] <= 20)
    return out


def _round2_targets(rows):
    """The h2load and Go-peer targets of the second performance issue: the
    median over the rounds of each round's own ratio."""
    out = []

    def add(scenario, target, ratios, met, fmt="%.2f×"):
        if not ratios:
            return
        measured = fmt % _median(ratios)
        if len(ratios) > 1:
            measured += f" ({fmt % min(ratios)}–{fmt % max(ratios)})"
        out.append((scenario, target, measured, "met" if met(_median(ratios))
                    else "**missed**"))

    def per_round(a, b):
        return [x / y for x, y in zip(a, b) if y]
    for load in (1, 64):
        floor = _rounds(rows, "h2load", "health", load, "throughput")
        token = _rounds(rows, "h2load", "gettoken", load, "throughput")
        add("R2-1 cached GetToken (h2load)",
            f"throughput ≥ 0.9× Health/Check at c={load}",
            per_round(token, floor), lambda r: r >= 0.9)
    for rpc, name, loads in (("gettoken", "R2-1 cached GetToken vs Go", (16, 64)),
                             ("innopaas", "R2-2 CallInnoPaaS vs Go", (1, 16, 64))):
        for load in loads:
            get = lambda server, key: _rounds(  # noqa: E731
                rows, "gopeer", f"{server} {rpc}", load, key)
            add(name, f"throughput ≥ 1.2× Go at c={load}",
                per_round(get("signet", "throughput"), get("go", "throughput")),
                lambda r: r >= 1.2)
            add(name, f"CPU per call ≤ 0.8× Go at c={load}",
                per_round(get("signet", "cpu_us_per_call"), get("go", "cpu_us_per_call")),
                lambda r: r <= 0.8)
    # The physical limit of "a gRPC server plus an HTTP proxy", both measured
    # in this run: the floor's CPU per call (h2load) + nginx-as-proxy's (wrk).
    for load in (1, 16, 64):
        floor = _median(_rounds(rows, "h2load", "health", load, "cpu_us_per_call"))
        forwarded = _median(_rounds(rows, "h2load", "innopaas", load, "cpu_us_per_call"))
        proxy = _find(rows, "innopaas", "nginx-proxy", load)
        if proxy is None or forwarded != forwarded or floor != floor:
            continue
        bound = floor + _num(proxy, "cpu_us_per_call") + 20
        out.append(("R2-2 CallInnoPaaS",
                    f"CPU per call ≤ floor + nginx proxy + 20 µs at c={load}",
                    f"{forwarded:.1f} µs (bound {floor:.1f} + "
                    f"{_num(proxy, 'cpu_us_per_call'):.1f} + 20 = {bound:.1f} µs)",
                    "met" if forwarded <= bound else "**missed**"))
    return out


def _tls_targets(facts):
    """Issue targets over TLS, from facts["tls"] (one entry per leg)."""
    out = []
    legs = facts.get("tls") or []
    for path, label in (("tls-h1", "TLS + HTTP/1.1"), ("tls-h2", "TLS + HTTP/2")):
        mine = [leg for leg in legs if leg["path"] == path]
        if not mine:
            continue
        name = f"3 over {label}"

        def add(target, measured, met):
            out.append((name, target, measured, "met" if met else "**missed**"))
        loads = "/".join(str(leg["load"]) for leg in mine)
        add(f"connections opened ≤ concurrency (c={loads})",
            "/".join("%.0f" % leg["connections_opened"] for leg in mine),
            all(leg["connections_opened"] <= leg["load"] for leg in mine))
        per100k = [leg.get("handshakes_per_100k") for leg in mine]
        add(f"TLS handshakes per 100,000 calls ≤ concurrency (c={loads})",
            "/".join("%.0f" % v if v is not None else "?" for v in per100k)
            + " (full/resumed: " + ", ".join(
                f"{leg['full_handshakes']}/{leg['resumed']}" for leg in mine) + ")",
            all(v is not None and v <= leg["load"] for v, leg in zip(per100k, mine)))
        ratios = [leg.get("cpu_ratio") for leg in mine]
        add(f"CPU per call ≤ 1.3× plain HTTP (c={loads})",
            "/".join("%.2f×" % r if r else "?" for r in ratios),
            all(r is not None and r <= 1.3 for r in ratios))
    return out


def _tls_table(facts):
    legs = facts.get("tls") or []
    if not legs:
        return []
    lines = [
        "",
        "## TLS upstreams",
        "",
        "CallInnoPaaS through signet to nginx over plain HTTP, TLS + HTTP/1.1 (ALPN "
        "`http/1.1` only) and TLS + HTTP/2 (ALPN `h2`), certificate from a CA the suite "
        "generates and gives signet as `upstream.ca_bundle`. Each leg starts a fresh signet, "
        "so its connections and handshakes are all it needed, none carried over. Connections: "
        "signet's `signet_upstream_connections_opened_total` (nginx's accepted count in "
        "brackets); handshakes: nginx's log of each connection's first request, full or "
        "resumed (`$ssl_session_reused`); per 100,000 calls: the warm-up's handshakes (the "
        "cold start) once, plus those after it as a rate over the measured calls.",
        "",
        "| path | concurrency | calls/s | p50 µs | p99 µs | CPU µs/call | × plain | "
        "connections opened | TLS handshakes (full / resumed) | handshakes per 100k calls "
        "| protocol |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def fmt(value, pattern):
        return pattern % value if value is not None else "–"
    for leg in legs:
        handshakes = ("–" if leg.get("handshakes") is None else
                      f"{leg['handshakes']} ({leg['full_handshakes']} / {leg['resumed']})")
        lines.append("| " + " | ".join([
            leg["path"], str(leg["load"]), fmt(leg.get("throughput"), "%.0f"),
            fmt(leg.get("p50_us"), "%.0f"), fmt(leg.get("p99_us"), "%.0f"),
            fmt(leg.get("cpu_us_per_call"), "%.1f"),
            fmt(leg.get("cpu_ratio"), "%.2f×"),
            f"{leg['connections_opened']:.0f} ({leg['connections_accepted']})",
            handshakes, fmt(leg.get("handshakes_per_100k"), "%.0f"),
            ", ".join(leg.get("protocols") or []) or "HTTP/1.1"]) + " |")
    return lines


def write_markdown(path, mode, rows, facts, plots, out_dir, elapsed):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rel = os.path.relpath(out_dir, os.path.dirname(path))
    lines = [
        "# signet benchmarks",
        "",
        f"Generated by `bench/run.sh --mode {mode}` "
        f"({facts.get('run_at', datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'))} UTC, "
        f"{elapsed:.0f} s). "
        f"Raw data: [`results.csv`]({rel}/results.csv), [`facts.json`]({rel}/facts.json).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    for key, value in _versions().items():
        lines.append(f"| {key} | {value} |")
    lines += [
        "",
        "## Method",
        "",
        "Everything runs on this one machine over 127.0.0.1, started fresh by the suite: nginx as "
        "the upstream (one worker, a fixed 60-byte JSON answer, refusing requests without the "
        "`AppKey` header so a missing signature fails loudly), a second nginx as the reverse proxy "
        "a user would otherwise deploy (`proxy_set_header AppKey …`, upstream keepalive 256), "
        "`signet-emulator` for OpenAPI tokens, and a Release build of signet at `--log-level "
        "warning` (no access line per call). gRPC load comes from `bench/load_client.cc` "
        "(callback API, every status checked, CallInnoPaaS also checks HTTP 200, latency per call "
        "kept as sorted samples; closed loop at fixed concurrency, open loop at a fixed rate "
        "measured from the scheduled start). The HTTP legs use `wrk` at the same concurrency. "
        f"Each point: {'3' if mode == 'quick' else '10'} s measured after a warm-up. Gateway CPU "
        "per call is utime+stime of the signet process (or the nginx proxy worker) over the run "
        "divided by the calls; peak RSS is VmHWM. All of these share 2 cores with the load "
        "generator and nginx, so absolute numbers are modest and ratios are the point.",
        "",
        "## Targets",
        "",
        "| scenario | target | measured | |",
        "|---|---|---|---|",
    ]
    for scenario, target, measured, met in _targets(rows, facts):
        lines.append(f"| {scenario} | {target} | {measured} | {met} |")
    lines += _gopeer_section(rows, facts) + _h2load_section(rows, facts)
    lines += [
        "",
        "## Results",
        "",
        "| scenario | path | load | calls | errors | calls/s | p50 µs | p90 µs | p99 µs | "
        "p99.9 µs | max µs | CPU µs/call | peak RSS MB | note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(k, "")) for k in (
            "scenario", "path", "load", "calls", "errors", "throughput", "p50_us",
            "p90_us", "p99_us", "p999_us", "max_us", "cpu_us_per_call",
            "peak_rss_mb", "note")) + " |")
    lines += _tls_table(facts)
    if plots:
        lines += ["", "## Plots", ""]
        for name in plots:
            lines.append(f"![{name}]({rel}/{name})")
    if facts.get("micro"):
        lines += ["", "## Microbenchmarks (Google Benchmark, CPU time per op)", "",
                  "| benchmark | time |", "|---|---|"]
        for name, value, unit in facts["micro"]:
            lines.append(f"| {name} | {value:.0f} {unit} |")
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            lines += ["", f.read().rstrip(), ""]
    else:
        lines += ["", "## Analysis", "", "(bench/analysis.md is missing)", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def _median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return float("nan")
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def _spread(values, fmt="%.0f"):
    """'median (min–max)', or just the value for one round."""
    if not values:
        return "–"
    text = fmt % _median(values)
    if len(values) > 1:
        text += f" ({fmt % min(values)}–{fmt % max(values)})"
    return text


def _rounds(rows, scenario, path, load, key):
    return [_num(r, key) for r in rows
            if r["scenario"] == scenario and r["path"] == path
            and r.get("load") == str(load) and r.get("errors") == "0"]


def _gopeer_section(rows, facts):
    """signet vs bench/peers/go under the same h2load load, per round."""
    loads = sorted({int(r["load"]) for r in rows if r["scenario"] == "gopeer"})
    if not loads:
        return []
    versions = facts.get("gopeer_versions", {})
    lines = [
        "", "## signet vs a Go sidecar", "",
        "The sidecar a platform team would write instead of signet in an afternoon "
        "(`bench/peers/go`): a grpc-go server with the same CallInnoPaaS (one shared "
        "`http.Client`, keep-alive pool of 512 per host) and a cached GetToken (fetched "
        "from the same emulator once, answered from memory), no metrics and no access log. "
        f"Go {versions.get('go', '?')}, grpc-go {versions.get('grpc-go', '?')}, "
        f"protobuf-go {versions.get('protobuf-go', '?')} (Debian 12 packages). "
        "Both servers run side by side against the same nginx upstream and emulator and "
        "get the same h2load load (`bench/h2load.py`); "
        f"{facts.get('gopeer_rounds', 1)} round(s), each point measured for signet and Go "
        "back to back, alternating which goes first. Figures: median over the rounds "
        "(min–max); ratios are signet/Go of the medians (min–max of the rounds' own "
        "ratios). CPU µs/call is utime+stime of the server's process per call.",
        "",
        "| RPC | concurrency | h2load | signet calls/s | Go calls/s | throughput signet/Go | "
        "signet CPU µs/call | Go CPU µs/call | CPU signet/Go | signet p50 µs | Go p50 µs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rpc, label in (("innopaas", "CallInnoPaaS"), ("gettoken", "GetToken (cached)")):
        for load in loads:
            get = lambda server, key: _rounds(  # noqa: E731
                rows, "gopeer", f"{server} {rpc}", load, key)
            s_thr, g_thr = get("signet", "throughput"), get("go", "throughput")
            s_cpu, g_cpu = get("signet", "cpu_us_per_call"), get("go", "cpu_us_per_call")
            if not s_thr or not g_thr:
                continue
            thr_ratios = [s / g for s, g in zip(s_thr, g_thr) if g]
            cpu_ratios = [s / g for s, g in zip(s_cpu, g_cpu) if g]
            shape = next((r["note"].split(",")[0] for r in rows
                          if r["scenario"] == "gopeer" and r.get("load") == str(load)), "")

            def ratio(a, b, per_round):
                if not a or not b or not _median(b):
                    return "–"
                text = "%.2f×" % (_median(a) / _median(b))
                if len(per_round) > 1:
                    text += " (%.2f–%.2f)" % (min(per_round), max(per_round))
                return text
            lines.append(
                f"| {label} | {load} | `{shape}` | {_spread(s_thr)} | {_spread(g_thr)} | "
                f"{ratio(s_thr, g_thr, thr_ratios)} | {_spread(s_cpu, '%.1f')} | "
                f"{_spread(g_cpu, '%.1f')} | {ratio(s_cpu, g_cpu, cpu_ratios)} | "
                f"{_spread(get('signet', 'p50_us'))} | {_spread(get('go', 'p50_us'))} |")
    return lines


def _h2load_section(rows, facts):
    """signet's RPCs under h2load, relative to the Health/Check floor: medians
    over the rounds, each round's ratio to its own floor for the spread."""
    loads = sorted({int(r["load"]) for r in rows if r["scenario"] == "h2load"})
    if not loads:
        return []
    lines = [
        "", "## h2load", "",
        "signet alone under `h2load` (nghttp2) instead of `signet-bench-client`: a "
        "single-threaded HTTP/2 client sending one prebuilt gRPC frame per call, so the load "
        "generator takes less of the two cores. h2load cannot read grpc-status (a trailer): "
        "every leg is bracketed by real calls with `signet-bench-client`, and its DATA bytes "
        "per response must match the size of a real answer (an error answer has none). "
        "Health/Check is gRPC's built-in service, the floor; GetToken is answered from the "
        "cache; CallInnoPaaS forwards GET /bench to the nginx upstream. "
        f"{facts.get('h2load_rounds', 1)} round(s), the three RPCs back to back at each "
        "concurrency; figures are medians over the rounds. Percentages are of the floor's "
        "calls/s (the rounds' own percentages, min–max); × is the ratio to the floor's "
        "median p50 or CPU per call.",
        "",
        "| concurrency | h2load | Health calls/s | GetToken calls/s | CallInnoPaaS calls/s | "
        "p50 µs Health / GetToken / CallInnoPaaS | CPU µs/call Health / GetToken / "
        "CallInnoPaaS |",
        "|---|---|---|---|---|---|---|",
    ]
    for load in loads:
        get = lambda rpc, key: _rounds(rows, "h2load", rpc, load, key)  # noqa: E731
        floors = get("health", "throughput")
        if not floors:
            continue
        floor = _median(floors)

        def throughput(rpc):
            values = get(rpc, "throughput")
            if not values:
                return "–"
            text = f"{_median(values):.0f} ({_median(values) / floor * 100:.0f}%"
            per_round = [v / f * 100 for v, f in zip(values, floors) if f]
            if len(per_round) > 1:
                text += f"; {min(per_round):.0f}–{max(per_round):.0f}%"
            return text + ")"

        def relative(rpc, key, fmt):
            values, base = get(rpc, key), _median(get("health", key))
            if not values:
                return "–"
            return (fmt % _median(values)) + (f" ({_median(values) / base:.2f}×)"
                                              if base else "")
        shape = next((r["note"].split(",")[0] for r in rows
                      if r["scenario"] == "h2load" and r.get("load") == str(load)), "")
        lines.append(
            f"| {load} | `{shape}` | {_spread(floors)} | {throughput('gettoken')} | "
            f"{throughput('innopaas')} | {_median(get('health', 'p50_us')):.0f} / "
            f"{relative('gettoken', 'p50_us', '%.0f')} / "
            f"{relative('innopaas', 'p50_us', '%.0f')} | "
            f"{_median(get('health', 'cpu_us_per_call')):.1f} / "
            f"{relative('gettoken', 'cpu_us_per_call', '%.1f')} / "
            f"{relative('innopaas', 'cpu_us_per_call', '%.1f')} |")
    return lines
