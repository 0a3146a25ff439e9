#!/usr/bin/env bash
# Installs the Debian 12 packages signet needs to build, test and run, if any
# are missing. Needs root (or sudo) only when something must be installed.
#   scripts/install-deps.sh [PACKAGE...]   also these (e.g. sanitize.sh's)
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates tzdata
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libssl-dev libabsl-dev
  libyaml-cpp-dev nlohmann-json3-dev libcpp-httplib-dev
  libmicrohttpd-dev prometheus-cpp-dev
  libhiredis-dev redis-server
  nginx-light libnginx-mod-http-echo wrk
  # The bench smoke's h2load legs and the Go sidecar it compares signet with
  # (bench/h2load.py, bench/peers/go; bench/install-deps.sh adds the rest).
  nghttp2-client golang-go golang-google-grpc-dev golang-google-protobuf-dev
  protoc-gen-go protoc-gen-go-grpc
  libgtest-dev libgmock-dev
  python3 python3-grpcio python3-protobuf
  "$@"
)
# Node.js and npm for examples/node (its test runs it): Debian 12's node 18,
# unless a node is already on PATH. NodeSource's nodejs bundles npm and
# conflicts with Debian's npm, so npm is added only to Debian's own nodejs.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  if dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -qv nodesource; then
    packages+=(npm)
  else
    echo "signet: node is on PATH but npm is not; install the npm that goes with it" >&2
  fi
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "signet: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "signet: these Debian packages are missing and I am not root: ${missing[*]}" >&2
  echo "signet: run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
