import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

// `npm start` driven as a user would: flags in, text and exit code out.
export const REPO_ROOT = path.join(__dirname, '..', '..', '..', '..');
export const START_JS = path.join(__dirname, '..', '..', '..', 'scripts', 'start.js');

export interface StackProcess {
  readonly pid: number;
  output(): string;
  /** Exit code, or 128 + signal number's name when killed (as a shell reports it). */
  readonly exit: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

/**
 * Runs the stack's runner directly (`node dist/scripts/start.js`), or through npm with
 * `viaNpm` (`npm start -- ...`, npm's own process and script shell included). `detached`
 * puts it in a process group of its own, so a test can send a terminal's Ctrl-C to the group.
 */
export function startStackProcess(args: readonly string[], how: { readonly viaNpm?: boolean; readonly detached?: boolean; readonly env?: NodeJS.ProcessEnv } = {}): StackProcess {
  const [command, argv] = how.viaNpm ? ['npm', ['start', '--silent', '--', ...args]] : [process.execPath, [START_JS, ...args]];
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: 'true', ...how.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: how.detached ?? false,
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    pid: child.pid ?? -1,
    output: () => out,
    exit,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        void exit.then(() => {
          if (waiters.has(check)) {
            done();
            reject(new Error(`exited before ${pattern}; output:\n${out}`));
          }
        });
        waiters.add(check);
        check();
      });
    },
  };
}

/** Every loopback port the stack's output names (banner URLs, the sweeper's line). */
export function portsNamed(output: string): number[] {
  return [...new Set([...output.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => Number(m[1])))];
}

/** True when something accepts a TCP connection on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Polls until none of the ports listens; resolves with those still listening at the deadline. */
export async function portsStillListening(ports: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listening = (await Promise.all(ports.map(async (port) => ((await isListening(port)) ? port : undefined)))).filter((p): p is number => p !== undefined);
    if (listening.length === 0 || Date.now() >= deadline) return listening;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The local addresses on which something listens on `port`, from /proc/net/tcp and tcp6
 * (read, not probed: no packet leaves the loopback): '127.0.0.1', '0.0.0.0', '::', ...
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A: LISTEN
      const [hexIp, hexPort] = local.split(':');
      if (!hexIp || Number.parseInt(hexPort ?? '', 16) !== port) continue;
      found.push(hexIp.length === 8 ? ipv4(hexIp) : ipv6(hexIp));
    }
  }
  return found;
}

// /proc prints each 32-bit word of an address in host (little-endian) byte order.
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '::';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${ipv4(hex.slice(24))}`;
  return hex === '00000000000000000000000001000000' ? '::1' : hex;
}
