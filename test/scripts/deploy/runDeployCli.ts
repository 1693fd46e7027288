import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

// `npm run deploy` as a user runs it (the compiled front end), against the stand-in
// gcloud in fixtures/ placed first on PATH. The real gcloud (if any) is never on that PATH.
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'scripts', 'deploy.js');
export const FAKE_GCLOUD_DIR = path.join(ROOT, 'test', 'scripts', 'deploy', 'fixtures');
export const NODE_DIR = path.dirname(process.execPath);
export const ARGS = ['--project', 'my-orders-123', '--region', 'europe-west1'];

export const work = mkdtempSync(path.join(tmpdir(), 'deploy-test-'));
after(() => rmSync(work, { recursive: true, force: true }));
let runs = 0;

export interface Call {
  readonly argv: string[];
  readonly cwd: string;
}
export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the fake gcloud recorded; undefined when it never ran. */
  readonly calls: Call[] | undefined;
}

/** A fresh file for the fake gcloud's record of one run. */
export function callLog(): string {
  return path.join(work, `calls-${++runs}.jsonl`);
}

export function spawnRecorded(command: string, args: readonly string[], env: Record<string, string>, logFile: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, FAKE_GCLOUD_LOG: logFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      let calls: Call[] | undefined;
      try {
        calls = readFileSync(logFile, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Call);
      } catch {
        calls = undefined;
      }
      resolve({ code, stdout, stderr, calls });
    });
  });
}

/** `npm run deploy -- ARGS` with the fake gcloud: `existing` resources "exist", a command starting with `fail` fails. */
export function deploy(args: readonly string[], env: { existing?: string; fail?: string; path?: string } = {}): Promise<Result> {
  const vars: Record<string, string> = {
    PATH: env.path ?? [FAKE_GCLOUD_DIR, NODE_DIR].join(path.delimiter),
    FAKE_GCLOUD_EXISTING: env.existing ?? '',
    FAKE_GCLOUD_FAIL: env.fail ?? '',
  };
  return spawnRecorded(process.execPath, [CLI, ...args], vars, callLog());
}

/** A gcloud argv's positional words: `pubsub topics create orders`. */
export const commandWords = (argv: readonly string[]) => argv.filter((a) => !a.startsWith('-')).join(' ');
