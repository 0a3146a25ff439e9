"""gRPC load from h2load (nghttp2-client) with a prebuilt request frame.

h2load is a lean, single-threaded HTTP/2 load generator: it costs a
fraction of the CPU signet-bench-client (a gRPC C++ client) does, so on two
cores more of the machine is left to the server under test, and it is the
same client for every server (signet, the Go peer). It knows nothing of
gRPC: the request body is one gRPC message frame (flag byte 0, 4-byte
big-endian length, the serialized protobuf, encoded by `protoc --encode`
from text format), sent as a POST with content-type application/grpc.

h2load sees the HTTP status, not grpc-status (a trailer), and an error
answer is HTTP 200 too. So each leg is checked three ways: a real call
before and after it with signet-bench-client (--burst=1, every status and
the answer checked), one call with nghttp -v for the size of a real answer
and its grpc-status, and the leg's received DATA bytes per response, which
must match that size: an error answer is trailers-only (no DATA) and cannot
pass as success.
"""
import os
import re
import struct
import subprocess

# What the suite calls each method: (path, request type, text-format request).
METHODS = {
    "health": ("/grpc.health.v1.Health/Check", "grpc.health.v1.HealthCheckRequest",
               "grpc/health/v1/health.proto", ""),
    "gettoken": ("/signet.v1.Gateway/GetToken", "signet.v1.GetTokenRequest",
                 "signet/v1/gateway.proto", ""),
    "innopaas": ("/signet.v1.Gateway/CallInnoPaaS", "signet.v1.CallInnoPaaSRequest",
                 "signet/v1/gateway.proto", 'method: "GET" path: "/bench"'),
}

# Concurrency (streams in flight) -> h2load clients (HTTP/2 connections) x
# streams per client. Up to 4 connections, as signet-bench-client's
# CallInnoPaaS legs use (--channels=min(c, 4)): a pod's few callers
# multiplexing, not one connection per call.
SHAPES = {1: (1, 1), 4: (2, 2), 16: (4, 4), 64: (4, 16), 256: (4, 64)}


def shape(concurrency):
    if concurrency in SHAPES:
        return SHAPES[concurrency]
    clients = min(4, concurrency)
    return clients, max(1, concurrency // clients)


def describe(concurrency):
    clients, streams = shape(concurrency)
    return f"h2load -c{clients} -m{streams}"


def frame_file(directory, rpc, root):
    """The request body file for `rpc`: one uncompressed gRPC frame."""
    path = os.path.join(directory, f"{rpc}.grpc-frame")
    if os.path.exists(path):
        return path
    _, message, proto, text = METHODS[rpc]
    payload = b""
    if text:  # an empty message is zero bytes; protoc is not needed for it
        payload = subprocess.run(
            ["protoc", f"--encode={message}", "-I", os.path.join(root, "proto"),
             os.path.join(root, "proto", proto)],
            input=text.encode(), capture_output=True, check=True).stdout
    with open(path, "wb") as f:
        f.write(b"\x00" + struct.pack(">I", len(payload)) + payload)
    return path


def headers():
    return ["-H", "content-type: application/grpc", "-H", "te: trailers"]


def probe(port, rpc, frame):
    """One call with nghttp -v: (grpc-status, DATA bytes of the answer)."""
    argv = ["nghttp", "-v", "-n", "-t", "10"] + headers() + [
        "-d", frame, f"http://127.0.0.1:{port}{METHODS[rpc][0]}"]
    out = subprocess.run(argv, capture_output=True, text=True).stdout
    data = sum(int(n) for n in re.findall(r"recv DATA frame <length=(\d+)", out))
    m = re.search(r"recv \(stream_id=\d+\) grpc-status: (\d+)", out)
    if not m:
        raise RuntimeError(f"{' '.join(argv)}: no grpc-status in the answer:\n{out[-2000:]}")
    return int(m.group(1)), data


def run(port, rpc, concurrency, duration, warmup, frame, log_path):
    """One h2load leg: `warmup` seconds discarded, then `duration` measured,
    back to back; a dict with the suite's result keys (see parse).

    The warm-up is a run of its own, not --warm-up-time: h2load 1.52 resets
    its request counts after --warm-up-time but not its traffic counters,
    which would break the bytes-per-response check."""
    clients, streams = shape(concurrency)
    url = f"http://127.0.0.1:{port}{METHODS[rpc][0]}"
    base = ["h2load", "-c", str(clients), "-m", str(streams), "-t", "1"] + headers()
    if os.path.exists(log_path):
        os.remove(log_path)  # h2load appends to its --log-file
    for seconds, extra in ((warmup, []), (duration, ["--log-file", log_path])):
        argv = base + ["-D", "%dms" % max(1, round(seconds * 1000))] + extra + [
            "-d", frame, url]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return parse(done.stdout, log_path, concurrency, duration)


def parse(out, log_path, concurrency, duration):
    """h2load's summary (and --log-file for percentiles) as the suite's keys,
    plus data_bytes and responses for the size check."""
    result = {"mode": "closed", "load": str(concurrency), "seconds": "%g" % duration}
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    if not m:
        raise RuntimeError(f"h2load: no request counts in:\n{out}")
    done, succeeded = int(m.group(3)), int(m.group(4))
    m2 = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    non2xx = sum(int(g) for g in m2.groups()[1:]) if m2 else 0
    m3 = re.search(r"traffic: .*?\((\d+)\) total, .*?\((\d+)\) headers .*?\((\d+)\) data", out)
    result["data_bytes"] = int(m3.group(3)) if m3 else 0
    result["responses"] = done
    result["calls"] = str(done)
    result["errors"] = str(done - succeeded + non2xx)
    result["throughput"] = "%.1f" % ((succeeded - non2xx) / duration)
    latencies = []
    if os.path.exists(log_path):
        with open(log_path) as f:
            for line in f:
                fields = line.split("\t")
                if len(fields) >= 3 and fields[1] != "-1":
                    latencies.append(int(fields[2]))
    latencies.sort()
    for q, key in ((0.5, "p50_us"), (0.9, "p90_us"), (0.99, "p99_us"), (0.999, "p999_us")):
        if latencies:
            result[key] = "%.1f" % latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    if latencies:
        result["max_us"] = "%.1f" % latencies[-1]
    result["logged"] = len(latencies)
    return result


def check_size(result, answer_bytes):
    """'' when the DATA bytes per response match a real answer's size, or why
    not. Answers of one method differ by a few bytes at most (a timestamp's
    nanos varint, a Date header), an error answer by all of them."""
    responses = result["responses"]
    if not responses:
        return "no responses"
    per = result["data_bytes"] / responses
    if answer_bytes == 0 or abs(per - answer_bytes) > max(4, 0.05 * answer_bytes):
        return f"{per:.1f} DATA bytes per response, a real answer has {answer_bytes}"
    return ""
