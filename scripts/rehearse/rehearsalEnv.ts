import path from 'node:path';
import type { DeploySettings, FunctionDeployment } from '../deploy/functionDeployments';

/**
 * What the rehearsal deploys "as": the deploy's settings with the local project. Google's
 * emulators treat `demo-` projects as local-only.
 */
export const REHEARSAL_SETTINGS: DeploySettings = {
  project: 'demo-orders',
  region: 'europe-west1',
  ordersTopic: 'orders',
  exporter: 'gcp_otlp',
  sampleRatio: 1,
  flushTimeoutMs: 3000,
};

/**
 * The base environment of the rehearsed functions: the deploy's variables and what the
 * platform itself sets at run time (NODE_ENV=production, as the buildpack's launch
 * layer does), not this shell's (an OTEL_* variable left in a terminal would otherwise
 * change what is rehearsed). The stack then points only the exporter and the emulator
 * hosts at the local parts (see functionEnv in scripts/stack/startStack.ts). The
 * platform's K_SERVICE / K_REVISION are left out on purpose: they mean "running on
 * Google Cloud" (GCP resource detection, Cloud Trace by default).
 */
export function rehearsalBaseEnv(deployments: readonly FunctionDeployment[], shell: NodeJS.ProcessEnv, nodePath: string): NodeJS.ProcessEnv {
  const [first, ...rest] = deployments;
  if (!first) throw new Error('no functions to rehearse');
  // One stack starts both functions with one environment; say so if the deploy ever differs.
  for (const other of rest) {
    if (JSON.stringify(sorted(other.env)) !== JSON.stringify(sorted(first.env))) {
      throw new Error(`${other.name} is deployed with a different environment than ${first.name}; the rehearsal starts both with one`);
    }
  }
  return {
    PATH: [path.dirname(nodePath), shell.PATH ?? ''].filter(Boolean).join(path.delimiter),
    ...(shell.HOME ? { HOME: shell.HOME } : {}),
    NODE_ENV: 'production',
    ...first.env,
  };
}

/** The variables whose value the local stack changed, as `NAME: deployed → rehearsed`. */
export function describeOverrides(deployed: Readonly<Record<string, string>>, rehearsed: NodeJS.ProcessEnv): string[] {
  const names = new Set([...Object.keys(deployed), ...Object.keys(rehearsed)]);
  const out: string[] = [];
  for (const name of [...names].sort()) {
    if (name === 'PATH' || name === 'HOME' || name === 'NODE_ENV') continue;
    if (deployed[name] !== rehearsed[name]) out.push(`${name}: ${deployed[name] ?? '(unset)'} → ${rehearsed[name] ?? '(unset)'}`);
  }
  return out;
}

function sorted(env: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(env).sort(([a], [b]) => a.localeCompare(b));
}
