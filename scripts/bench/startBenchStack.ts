import { readFile } from 'node:fs/promises';
import { FREE_PORT_ARGS, parseStackOptions } from '../stack/parseStackOptions';
import { startStack } from '../stack/startStack';
import type { Stack } from '../stack/startStack';

/**
 * A whole stack on free ports (a developer's `npm start` keeps its ports), its own
 * emulators, quiet. `traced: false` is the untraced baseline: OTEL_SDK_DISABLED=true.
 */
export function startBenchStack(traced: boolean): Promise<Stack> {
  // The stack provisions Pub/Sub from this process; off GCP, Google auth would probe
  // a metadata server first (and warn).
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const env: NodeJS.ProcessEnv = { ...process.env, PUBSUB_EMULATOR_HOST: '', FIRESTORE_EMULATOR_HOST: '', OTEL_SDK_DISABLED: traced ? 'false' : 'true' };
  // Bundled emulators on every machine, so figures compare across machines and runs.
  return startStack(parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], env), { env, log: () => undefined });
}

/** Peak resident set (VmHWM) of a process in KiB, from /proc; undefined off Linux. */
export async function peakRssKiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
