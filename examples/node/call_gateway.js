#!/usr/bin/env node
// Calls every signet RPC from Node.js: tokens, Verify and the three forwarders.
//
// Uses @grpc/grpc-js and @grpc/proto-loader (npm ci --prefix examples/node).
// The proto is loaded from proto/ at start-up, so the example always matches
// the proto it sits next to. Prints the same lines as examples/python/.
//
//     node examples/node/call_gateway.js --target 127.0.0.1:50051
'use strict';

const path = require('path');
const {parseArgs} = require('util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const ROOT = path.resolve(__dirname, '..', '..');
const DEADLINE_MS = 5000;
const USAGE = `usage: call_gateway.js [-h] [--target TARGET] [--profile PROFILE]
                       [--license-profile LICENSE_PROFILE]

Calls every signet RPC from Node.js: tokens, Verify and the three forwarders.

options:
  -h, --help            show this help message and exit
  --target TARGET       (default 127.0.0.1:50051)
  --profile PROFILE     OpenAPI and InnoPaaS profile (default "default")
  --license-profile LICENSE_PROFILE
                        (default "default")`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        'target': {type: 'string', default: '127.0.0.1:50051'},
        'profile': {type: 'string', default: 'default'},
        'license-profile': {type: 'string', default: 'default'},
        'help': {type: 'boolean', short: 'h', default: false},
      },
    }).values;
  } catch (error) {
    console.error(`${USAGE}\ncall_gateway.js: error: ${error.message}`);
    process.exit(2);
  }
}

function loadGateway() {
  // proto-loader (protobufjs) bundles google/protobuf/timestamp.proto.
  const definition = protoLoader.loadSync('signet/v1/gateway.proto', {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
    includeDirs: [path.join(ROOT, 'proto')],
  });
  return grpc.loadPackageDefinition(definition).signet.v1.Gateway;
}

// Python's repr() and str(), so the lines read as the Python example's do.
function pyRepr(value) {
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value !== 'string') return pyStr(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/[\\\x00-\x1f\x7f]/g, (c) => ({
    '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t',
  }[c] || `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

function pyStr(value) {
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return pyRepr(value);
  return String(value);
}

// google.protobuf.Timestamp as RFC 3339, like protobuf's ToJsonString().
function timestampToJson(timestamp) {
  const seconds = Number(timestamp ? timestamp.seconds : 0);
  const nanos = timestamp ? timestamp.nanos : 0;
  let text = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos % 1e9 !== 0) {
    const digits = String(nanos).padStart(9, '0');
    text += '.' + (nanos % 1e6 === 0 ? digits.slice(0, 3) :
      nanos % 1e3 === 0 ? digits.slice(0, 6) : digits);
  }
  return text + 'Z';
}

async function main() {
  const args = parseCommandLine();
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const Gateway = loadGateway();
  const gateway = new Gateway(args.target, grpc.credentials.createInsecure());
  // Every call carries a 5 s deadline, like the Python example's timeout=5.
  const call = (method, request) => new Promise((resolve, reject) => {
    gateway[method](request, {deadline: Date.now() + DEADLINE_MS},
        (error, response) => (error ? reject(error) : resolve(response)));
  });
  try {
    const profile = args.profile;
    const first = await call('GetToken', {profile});
    const second = await call('GetToken', {profile});
    console.log(`GetToken: app_id=${first.app_id} ` +
        `expires=${timestampToJson(first.expire_time)} ` +
        `from_cache=${pyStr(first.from_cache)}, ` +
        `then from_cache=${pyStr(second.from_cache)}`);
    const verdict = await call('Verify', {profile});
    console.log(`Verify: valid=${pyStr(verdict.valid)} ` +
        `result=${pyRepr(verdict.result)} message=${pyRepr(verdict.message)}`);
    const bogus = await call('Verify', {profile, token: 'not-a-token'});
    console.log(`Verify(bogus): valid=${pyStr(bogus.valid)} ` +
        `message=${pyRepr(bogus.message)}`);

    // InnoPaaS: signet adds Content-Type, AppKey and Authorization. The
    // emulator echoes what it received, so the answer shows the request.
    const echo = await call('CallInnoPaaS', {
      profile, method: 'POST', path: '/v1/messages', query: {lang: 'en'},
      headers: [{name: 'X-Trace', value: 'node-1'}],
      body: Buffer.from(JSON.stringify({text: 'hello'})),
    });
    const received = echo.status === 200 ? JSON.parse(echo.body.toString()) : {};
    console.log(`CallInnoPaaS: status=${echo.status} upstream saw ` +
        `${pyStr(received.method)} ${pyStr(received.path)}?` +
        `${pyStr(received.raw_query)}`);

    // OpenAPI: signet adds Authorization: Bearer <cached token> and X-APP-ID.
    const called = await call('CallOpenAPI', {
      profile, method: 'GET', path: '/api/v5/authentication/verify',
    });
    console.log(`CallOpenAPI: status=${called.status} ` +
        `result=${pyRepr(JSON.parse(called.body.toString()).data.result)}`);

    // APSDAI licenses: signet adds the X-Apsdai-* headers and signature.
    const licenses = await call('FetchLicenses', {
      profile: args['license-profile'], fields: {machine: 'build-7'},
    });
    console.log(`FetchLicenses: code=${licenses.code} ` +
        `keys=${pyRepr(licenses.keys)}`);

    // A path that escapes base_url is refused before anything is sent.
    let refused = null;
    try {
      await call('CallInnoPaaS', {profile, method: 'GET', path: '/v1/../admin'});
    } catch (error) {
      if (error.code === undefined) throw error;
      refused = error.code;
      console.log(`CallInnoPaaS(/v1/../admin): ${grpc.status[refused]}: ` +
          `${error.details}`);
    }

    if (!(verdict.valid && !bogus.valid && second.from_cache &&
          echo.status === 200 && called.status === 200 &&
          licenses.code === 'SUCCESS' && licenses.keys.length > 0 &&
          refused === grpc.status.INVALID_ARGUMENT)) {
      console.error('unexpected answers from the gateway');
      process.exitCode = 1;
    }
  } finally {
    gateway.close();
  }
}

main().catch((error) => {
  console.error(error.code === undefined ? error :
    `call_gateway.js: ${grpc.status[error.code]}: ${error.details}`);
  process.exitCode = 1;
});
