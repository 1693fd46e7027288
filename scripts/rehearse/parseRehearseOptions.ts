import os from 'node:os';
import path from 'node:path';
import { parseFlags } from '../cli/parseFlags';

export interface RehearseOptions {
  /** The folder `gcloud functions deploy --source` would upload. */
  readonly source: string;
  /** Where the temporary install folder is created. */
  readonly workDir: string;
  readonly keep: boolean;
  /** Fresh processes per function for the cold-start figure. */
  readonly coldStarts: number;
  /** Per npm command. */
  readonly installTimeoutMs: number;
  /** Each function, from spawn to answering HTTP. */
  readonly readyTimeoutMs: number;
  /** Post → complete trace and `processed`. */
  readonly traceWaitMs: number;
  readonly verbose: boolean;
  readonly help: boolean;
}

export class RehearseOptionsError extends Error {
  override readonly name = 'RehearseOptionsError';
}

// From dist/scripts/rehearse/ up to the repository.
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export const REHEARSE_HELP = `Usage: npm run deploy:rehearse -- [options]

Proves here what \`gcloud functions deploy --source=.\` would upload starts and works:
  1. copies the files .gcloudignore lets through to a temporary folder
  2. installs them as Google's Node.js buildpack does: npm ci, npm run gcp-build,
     npm prune --omit=dev
  3. starts createOrder and processOrder from that folder (its functions-framework,
     Node 22) with the deploy's environment; only the exporter (OTLP to a local
     collector) and the emulator hosts point at the local stack, on free ports
  4. posts an order: 202, a complete trace across both functions, status processed
  5. measures cold start (spawn → first 2xx of a fresh process, per function)

Options:
  --keep                   keep the temporary folder (printed) instead of removing it
  --source DIR             the folder to upload (default: this repository)
  --work-dir DIR           where to create the temporary folder (default: $TMPDIR)
  --cold-starts N          fresh processes per function for the cold start (default 3)
  --install-timeout-ms N   per npm command (default 300000)
  --ready-timeout-ms N     each function, spawn → answering (default 30000)
  --trace-wait-ms N        post → complete trace and processed order (default 30000)
  --verbose                print npm's output and the functions' logs as they come
  -h, --help               this text

Exit codes: 0 every check passed, 1 a step failed (the reason and the last log lines
are printed), 2 bad options.`;

/** Flags, then defaults. Throws RehearseOptionsError naming the flag. */
export function parseRehearseOptions(argv: readonly string[] = process.argv.slice(2), cwd: string = process.cwd()): RehearseOptions {
  const values = parseFlags(
    argv,
    {
      keep: { type: 'boolean' },
      source: { type: 'string' },
      'work-dir': { type: 'string' },
      'cold-starts': { type: 'string' },
      'install-timeout-ms': { type: 'string' },
      'ready-timeout-ms': { type: 'string' },
      'trace-wait-ms': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new RehearseOptionsError(message),
  );
  return {
    source: folder('--source', values.source, cwd) ?? REPO_ROOT,
    workDir: folder('--work-dir', values['work-dir'], cwd) ?? os.tmpdir(),
    keep: values.keep === true,
    coldStarts: positiveInt('--cold-starts', values['cold-starts'], 3, 100),
    installTimeoutMs: positiveInt('--install-timeout-ms', values['install-timeout-ms'], 300_000, 3_600_000),
    readyTimeoutMs: positiveInt('--ready-timeout-ms', values['ready-timeout-ms'], 30_000, 600_000),
    traceWaitMs: positiveInt('--trace-wait-ms', values['trace-wait-ms'], 30_000, 600_000),
    verbose: values.verbose === true,
    help: values.help === true,
  };
}

function folder(name: string, raw: string | boolean | undefined, cwd: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw.trim() === '') throw new RehearseOptionsError(`${name} must not be empty`);
  return path.resolve(cwd, raw);
}

function positiveInt(name: string, raw: string | boolean | undefined, fallback: number, max: number): number {
  if (typeof raw !== 'string') return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new RehearseOptionsError(`${name} must be an integer 1-${max}, got "${raw}"`);
  return n;
}
