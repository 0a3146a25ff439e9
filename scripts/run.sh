#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, starts the
# bundled upstream emulator and the gateway in front of it, and prints how to
# call it. Ctrl-C stops both.
#   SIGNET_PORT (default 50051), EMULATOR_PORT (default 18080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${BUILD_DIR:-build}
signet_port=${SIGNET_PORT:-50051}
emulator_port=${EMULATOR_PORT:-18080}

# The emulator's built-in demo credentials; signet reads them from the
# environment as the example config says.
export SIGNET_OPENAPI_SECRET=emulator-openapi-secret
export SIGNET_INNOPAAS_APP_KEY=emulator-app-key
export SIGNET_INNOPAAS_AUTHORIZATION=emulator-authorization
export SIGNET_LICENSE_SECRET=emulator-license-secret

config=$(mktemp --suffix=.yaml)
sed -e "s/127.0.0.1:50051/127.0.0.1:${signet_port}/" \
    -e "s/127.0.0.1:18080/127.0.0.1:${emulator_port}/" \
    examples/configs/emulator.yaml > "$config"

"$build_dir"/emulator/signet-emulator --port "$emulator_port" &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; rm -f "$config"' EXIT

cat <<MSG

signet is starting on 127.0.0.1:${signet_port} in front of the emulator on 127.0.0.1:${emulator_port}.
Call it from another terminal, for example with Python (Debian's python3-grpcio):

  /usr/bin/python3 examples/python/call_gateway.py --target 127.0.0.1:${signet_port}

or with grpcurl, if you have it (server reflection is on):

  grpcurl -plaintext -d '{"profile":"default"}' 127.0.0.1:${signet_port} signet.v1.Gateway/GetToken

Ctrl-C stops both.

MSG
"$build_dir"/src/signet --config "$config"
