import { cp } from 'node:fs/promises';
import path from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import type { Collector } from '../../../scripts/collector/startCollector';
import type { PubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import { installProject } from '../../../scripts/package/installProject';
import { findFreePort } from '../../../scripts/stack/assertPortsFree';
import { startChild } from '../../../scripts/stack/startChild';
import type { RunningChild } from '../../../scripts/stack/startChild';
import { waitForHttp } from '../../../scripts/stack/waitForHttp';

/** test/package/fixtures: one folder per case, copied into the stranger's project. */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'package', 'fixtures');

// The versions a stranger would name (FACTS.md: npm on Node 20 picks older majors otherwise).
const STRANGER_DEPENDENCIES = { '@google-cloud/functions-framework': '5.0.5', '@google-cloud/pubsub': '6.3.0' };

/**
 * A stranger's project in `dir`: a package.json naming only the tarball, functions-framework
 * and Pub/Sub, one folder per fixture (`folders`, from FIXTURES), and one `npm install` from
 * npm's cache where it can (`--prefer-offline`). The fixtures' own package.json files decide
 * CommonJS or ES module; they all resolve packages from the project's node_modules.
 */
export async function installStrangerProject(dir: string, tarball: string, folders: readonly string[], log: (line: string) => void): Promise<void> {
  for (const folder of folders) await cp(path.join(FIXTURES, folder), path.join(dir, folder), { recursive: true });
  await installProject(dir, { 'cloud-functions-otel-tracing': `file:${tarball}`, ...STRANGER_DEPENDENCIES }, log);
}

export interface StrangerFunction {
  readonly url: string;
  /** Its output lines so far. */
  readonly lines: string[];
  readonly child: RunningChild;
}

export interface StrangerFunctionSpec {
  /** The stranger's project (installStrangerProject's dir). */
  readonly dir: string;
  /** The fixture folder holding the function. */
  readonly folder: string;
  readonly target: string;
  /** OTEL_SERVICE_NAME. */
  readonly service: string;
  readonly collector: Collector;
  readonly emulator: PubSubEmulator;
  readonly project: string;
  /** GREETINGS_TOPIC: where `publish` publishes. */
  readonly topic: string;
  /** More environment (NODE_OPTIONS for the zero-code mode, ...). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `functions-framework --target=<target>` as the stranger runs it: the project's own
 * functions-framework, on Node 22, from the fixture folder, exporting OTLP/HTTP to the
 * collector and publishing to the emulator. Resolves once it answers HTTP.
 */
export async function startStrangerFunction(spec: StrangerFunctionSpec): Promise<StrangerFunction> {
  const port = await findFreePort('127.0.0.1');
  const lines: string[] = [];
  const child = startChild({
    name: spec.service,
    command: process.execPath,
    args: [path.join(spec.dir, 'node_modules', '.bin', 'functions-framework'), `--port=${port}`, `--source=${path.join(spec.dir, spec.folder)}`, `--target=${spec.target}`],
    env: {
      PATH: process.env.PATH,
      OTEL_SERVICE_NAME: spec.service,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${spec.collector.httpPort}`,
      GOOGLE_CLOUD_PROJECT: spec.project,
      PUBSUB_EMULATOR_HOST: `127.0.0.1:${spec.emulator.port}`,
      METADATA_SERVER_DETECTION: 'none',
      GREETINGS_TOPIC: spec.topic,
      ...spec.env,
    },
    cwd: spec.dir,
    log: (line) => lines.push(line),
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(`${url}robots.txt`, { part: spec.service, timeoutMs: 30_000, giveUp: () => (child.isRunning() ? undefined : `exited:\n${lines.join('\n')}`) });
  } catch (err) {
    await child.stop(5_000);
    throw err;
  }
  return { url, lines, child };
}

/** `topic` on the emulator with a push subscription to `pushEndpoint`. */
export async function createPushTopic(emulator: PubSubEmulator, project: string, topic: string, pushEndpoint: string): Promise<void> {
  const pubsub = new PubSub({ projectId: project, apiEndpoint: `127.0.0.1:${emulator.port}`, emulatorMode: true, universeDomain: 'googleapis.com' });
  try {
    const [created] = await pubsub.createTopic(topic);
    await created.createSubscription(`${topic}-push`, { pushConfig: { pushEndpoint } });
  } finally {
    await pubsub.close();
  }
}
