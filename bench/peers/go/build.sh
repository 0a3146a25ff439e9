#!/usr/bin/env bash
# Builds the Go peer (bench/peers/go) offline from Debian 12's packages:
#   bench/peers/go/build.sh build-release/bench/signet-go-peer
# golang-go (1.19), golang-google-grpc-dev (grpc-go 1.33.3),
# golang-google-protobuf-dev (1.28.1), protoc-gen-go (1.28.1),
# protoc-gen-go-grpc (from grpc-go 1.33.3), protobuf-compiler; see
# bench/install-deps.sh. GOPATH mode: Debian puts the sources under
# /usr/share/gocode/src. The stubs are generated from
# proto/signet/v1/gateway.proto next to the binary, never committed.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 <out-binary>" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$(realpath -m "$1")"
for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" > /dev/null \
    || { echo "$0: $tool is missing; run bench/install-deps.sh" >&2; exit 1; }
done
[ -d /usr/share/gocode/src/google.golang.org/grpc/health ] \
  || { echo "$0: grpc-go sources are missing; run bench/install-deps.sh" >&2; exit 1; }

work="$(dirname "$out")/go-peer"
gopath="$work/gopath"
rm -rf "$gopath/src"
mkdir -p "$gopath/src/signet/gen/signetv1" "$gopath/src/signet-go-peer" "$work/cache"
# The proto's go_package names a module path; M maps it into this GOPATH.
protoc -I "$root/proto" \
  --go_out="$gopath/src" --go_opt=Msignet/v1/gateway.proto=signet/gen/signetv1 \
  --go-grpc_out="$gopath/src" \
  --go-grpc_opt=Msignet/v1/gateway.proto=signet/gen/signetv1 \
  "$root/proto/signet/v1/gateway.proto"
cp "$here"/*.go "$gopath/src/signet-go-peer/"
cd "$gopath/src/signet-go-peer"
GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$work/cache" \
  GOFLAGS= go build -trimpath -o "$out" .
