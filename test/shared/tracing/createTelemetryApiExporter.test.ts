/**
 * OTEL_TRACES_EXPORTER=gcp_otlp against a local TLS fake of the Telemetry API's OTLP/gRPC
 * TraceService: the export carries an OAuth token from Application Default Credentials
 * (a service-account key exchanged at the fake token endpoint), `x-goog-user-project`,
 * and the `gcp.project_id` resource attribute. Runs in a child process, because the test
 * CA is trusted through variables read when Node and grpc-js start.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeExportRequest, encodeExportResponse } from '../../../scripts/collector/exportCodec';
import { rawTraceService } from '../../../scripts/collector/rawTraceService';
import type { StoredSpan } from '../../../scripts/collector/storedSpan';
import { PROXY_VARIABLES, SERVER_TLS, startFakeGoogleAuth } from '../../functions/fixtures/fakeGoogleAuth';
import type { FakeGoogleAuth } from '../../functions/fixtures/fakeGoogleAuth';

const PROJECT = 'demo-telemetry-api';
const CHILD = path.join(__dirname, 'fixtures', 'exportOneSpan.js');

interface ExportCall {
  readonly metadata: Record<string, string[]>;
  readonly spans: readonly StoredSpan[];
}
const calls: ExportCall[] = [];
let auth: FakeGoogleAuth;
let server: grpc.Server;
let port: number;

before(async () => {
  auth = await startFakeGoogleAuth(PROJECT);
  server = new grpc.Server();
  server.addService(
    rawTraceService,
    {
      Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
        const decoded = decodeExportRequest(call.request, 'protobuf');
        const metadata = Object.fromEntries(['authorization', 'x-goog-user-project'].map((key) => [key, call.metadata.get(key).map(String)]));
        calls.push({ metadata, spans: decoded.ok ? decoded.spans : [] });
        callback(null, encodeExportResponse('protobuf'));
      },
    },
  );
  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: SERVER_TLS.key, cert_chain: SERVER_TLS.cert }]);
  port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? reject(err) : resolve(bound))));
});

after(async () => {
  server?.forceShutdown();
  await auth?.close();
});

/** Runs the child with these extra variables; returns its Export call. */
async function exportFromChild(extra: Record<string, string>): Promise<ExportCall> {
  calls.length = 0;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_') || PROXY_VARIABLES.includes(name)) delete env[name];
  for (const name of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'K_SERVICE', 'K_REVISION']) delete env[name];
  Object.assign(env, auth.env, {
    OTEL_TRACES_EXPORTER: 'gcp_otlp',
    // localhost: the name on the test certificate, as telemetry.googleapis.com is on Google's.
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `https://localhost:${port}`,
    OTEL_SERVICE_NAME: 'telemetry-api-under-test',
    METADATA_SERVER_DETECTION: 'none',
    FLUSH_TIMEOUT_MS: '10000',
    ...extra,
  });
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [CHILD], { env, timeout: 30_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
  );
  assert.equal(stdout.trim(), 'flushed');
  assert.equal(calls.length, 1, 'one Export call');
  return calls[0]!;
}

test('gcp_otlp exports over TLS with an ADC token, x-goog-user-project and gcp.project_id', async () => {
  const tokenRequestsBefore = auth.tokenRequests.length;
  const call = await exportFromChild({ GOOGLE_CLOUD_PROJECT: PROJECT });
  assert.deepEqual(call.metadata.authorization, [`Bearer ${auth.accessToken}`]);
  assert.deepEqual(call.metadata['x-goog-user-project'], [PROJECT]);
  assert.deepEqual(call.spans.map((s) => s.name), ['exported-span']);
  const resource = Object.fromEntries(call.spans[0]!.resource.map((kv) => [kv.key, kv.value]));
  assert.equal(resource['gcp.project_id'], PROJECT);
  assert.equal(call.spans[0]!.serviceName, 'telemetry-api-under-test');

  assert.equal(auth.tokenRequests.length, tokenRequestsBefore + 1);
  const tokenRequest = auth.tokenRequests.at(-1)!;
  assert.ok(tokenRequest.signatureValid);
  assert.equal(tokenRequest.claims.scope, 'https://www.googleapis.com/auth/trace.append');
});

test('on the platform without GOOGLE_CLOUD_PROJECT, the project comes from Application Default Credentials', async () => {
  // K_SERVICE/K_REVISION: "on Cloud Run". On Google Cloud ADC asks the metadata server;
  // here it reads the service-account key's project_id, the same call.
  const call = await exportFromChild({ K_SERVICE: 'telemetry-api-under-test', K_REVISION: 'telemetry-api-under-test-001' });
  assert.deepEqual(call.metadata['x-goog-user-project'], [PROJECT]);
  const resource = Object.fromEntries(call.spans[0]!.resource.map((kv) => [kv.key, kv.value]));
  assert.equal(resource['gcp.project_id'], PROJECT);
});
