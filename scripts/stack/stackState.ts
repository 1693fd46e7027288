import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StackUrls } from './formatBanner';

/** What a running stack tells others about itself: a second `npm start`, `npm run sweep`. */
export interface StackState {
  /** The runner's pid: `kill <pid>` stops the whole stack. */
  readonly pid: number;
  readonly startedAt: string;
  /** The checkout it runs from. */
  readonly root: string;
  /** Each part and the port it listens on. */
  readonly ports: Readonly<Record<string, number>>;
  readonly urls: StackUrls;
}

/**
 * One folder per user for every checkout's stacks, so a stack started from another
 * clone is found too: `$TMPDIR/order-stack-<uid>/<pid>.json`.
 */
export function stackStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.TMPDIR || os.tmpdir(), `order-stack-${process.getuid?.() ?? 'user'}`);
}

/** Records a running stack; returns a function that removes the record (safe in an 'exit' listener). */
export function writeStackState(dir: string, state: StackState): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${state.pid}.json`);
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
  return () => rmSync(file, { force: true });
}

/**
 * Stacks whose runner is still alive, newest first. Records of runners that are gone (a
 * SIGKILLed runner cannot remove its own) are removed on the way.
 */
export function runningStacks(dir: string, isAlive: (pid: number) => boolean = pidAlive): StackState[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const found: StackState[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let state: StackState | undefined;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    } catch {
      state = undefined;
    }
    if (state && typeof state.pid === 'number' && isAlive(state.pid)) found.push(state);
    else rmSync(file, { force: true });
  }
  return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The running stack that holds one of these ports, if any. */
export function stackHolding(dir: string, busyPorts: readonly number[], isAlive?: (pid: number) => boolean): StackState | undefined {
  return runningStacks(dir, isAlive).find((state) => Object.values(state.ports).some((port) => busyPorts.includes(port)));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
