#!/usr/bin/env bash
# The benchmark suite's tools from Debian 12, if missing: nginx (upstream and
# the reverse proxy it is compared with) with the echo module (the 1 s slow
# location), wrk (the HTTP legs), gnuplot (plots), Google Benchmark;
# nghttp2-client (h2load and nghttp, the h2load legs) and protobuf-compiler
# (their request frames); Go 1.19, grpc-go 1.33, protobuf-go and the two
# protoc plugins (bench/peers/go, the Go sidecar signet is compared with).
set -euo pipefail
packages=(nginx-light libnginx-mod-http-echo wrk gnuplot-nox libbenchmark-dev
  nghttp2-client protobuf-compiler golang-go golang-google-grpc-dev
  golang-google-protobuf-dev protoc-gen-go protoc-gen-go-grpc)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
