/** A third party's function (fixtures/thirdPartyFunctions.ts) as a real functions-framework process. */
import path from 'node:path';
import { findFreePort } from '../../../../scripts/stack/assertPortsFree';
import { startChild } from '../../../../scripts/stack/startChild';
import type { RunningChild } from '../../../../scripts/stack/startChild';
import { waitForHttp } from '../../../../scripts/stack/waitForHttp';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const SOURCE = path.join(__dirname, '..', 'fixtures', 'thirdPartyFunctions.js');

export interface ThirdPartyFunction {
  readonly child: RunningChild;
  readonly url: string;
  /** Every line it printed so far. */
  readonly lines: string[];
}

/** Starts `target` exporting OTLP to a collector at `endpoint` (HTTP/protobuf unless `env` says otherwise), with `env` on top. */
export async function startThirdPartyFunction(target: string, endpoint: string, env: Record<string, string> = {}): Promise<ThirdPartyFunction> {
  const port = await findFreePort('127.0.0.1');
  const lines: string[] = [];
  const child = startChild({
    name: target,
    command: process.execPath,
    args: [FUNCTIONS_FRAMEWORK, `--target=${target}`, `--port=${port}`, `--source=${SOURCE}`],
    env: {
      PATH: process.env.PATH,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'third-party',
      ...env,
    },
    cwd: REPO_ROOT,
    log: (line) => lines.push(line),
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(`${url}robots.txt`, { part: target, timeoutMs: 20_000, giveUp: () => (child.isRunning() ? undefined : `exited: ${lines.join('\n')}`) });
  return { child, url, lines };
}
