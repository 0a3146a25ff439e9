#!/usr/bin/python3
"""Calls every signet RPC from Python: tokens, Verify and the three forwarders.

Uses Debian's python3-grpcio and python3-protobuf. The stubs are generated
from proto/ at start-up with protoc and Debian's grpc_python_plugin, so the
example always matches the proto it sits next to.

    /usr/bin/python3 examples/python/call_gateway.py --target 127.0.0.1:50051
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_stubs():
    out = tempfile.mkdtemp(prefix="signet-py-")
    subprocess.run(
        ["protoc", f"--proto_path={ROOT}/proto", f"--python_out={out}",
         f"--grpc_out={out}", "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
         "signet/v1/gateway.proto"],
        check=True)
    sys.path.insert(0, out)
    from signet.v1 import gateway_pb2, gateway_pb2_grpc  # noqa: E402
    return gateway_pb2, gateway_pb2_grpc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--profile", default="default",
                        help="OpenAPI and InnoPaaS profile")
    parser.add_argument("--license-profile", default="default")
    args = parser.parse_args()

    import grpc
    pb, pb_grpc = load_stubs()
    with grpc.insecure_channel(args.target) as channel:
        gateway = pb_grpc.GatewayStub(channel)
        first = gateway.GetToken(pb.GetTokenRequest(profile=args.profile), timeout=5)
        second = gateway.GetToken(pb.GetTokenRequest(profile=args.profile), timeout=5)
        print(f"GetToken: app_id={first.app_id} expires={first.expire_time.ToJsonString()} "
              f"from_cache={first.from_cache}, then from_cache={second.from_cache}")
        verdict = gateway.Verify(pb.VerifyRequest(profile=args.profile), timeout=5)
        print(f"Verify: valid={verdict.valid} result={verdict.result!r} message={verdict.message!r}")
        bogus = gateway.Verify(pb.VerifyRequest(profile=args.profile, token="not-a-token"), timeout=5)
        print(f"Verify(bogus): valid={bogus.valid} message={bogus.message!r}")

        # InnoPaaS: signet adds Content-Type, AppKey and Authorization. The
        # emulator echoes what it received, so the answer shows the request.
        echo = gateway.CallInnoPaaS(pb.CallInnoPaaSRequest(
            profile=args.profile, method="POST", path="/v1/messages",
            query={"lang": "en"}, headers=[pb.Header(name="X-Trace", value="py-1")],
            body=json.dumps({"text": "hello"}).encode()), timeout=5)
        received = json.loads(echo.body) if echo.status == 200 else {}
        print(f"CallInnoPaaS: status={echo.status} upstream saw "
              f"{received.get('method')} {received.get('path')}?{received.get('raw_query')}")

        # OpenAPI: signet adds Authorization: Bearer <cached token> and X-APP-ID.
        called = gateway.CallOpenAPI(pb.CallOpenAPIRequest(
            profile=args.profile, method="GET",
            path="/api/v5/authentication/verify"), timeout=5)
        print(f"CallOpenAPI: status={called.status} "
              f"result={json.loads(called.body)['data']['result']!r}")

        # APSDAI licenses: signet adds the X-Apsdai-* headers and signature.
        licenses = gateway.FetchLicenses(pb.FetchLicensesRequest(
            profile=args.license_profile, fields={"machine": "build-7"}), timeout=5)
        print(f"FetchLicenses: code={licenses.code} keys={list(licenses.keys)}")

        # A path that escapes base_url is refused before anything is sent.
        try:
            gateway.CallInnoPaaS(pb.CallInnoPaaSRequest(
                profile=args.profile, method="GET", path="/v1/../admin"), timeout=5)
            refused = None
        except grpc.RpcError as error:
            refused = error.code()
            print(f"CallInnoPaaS(/v1/../admin): {refused.name}: {error.details()}")

        if not (verdict.valid and not bogus.valid and second.from_cache
                and echo.status == 200 and called.status == 200
                and licenses.code == "SUCCESS" and licenses.keys
                and refused == grpc.StatusCode.INVALID_ARGUMENT):
            sys.exit("unexpected answers from the gateway")


if __name__ == "__main__":
    main()
