import { findFreePort } from './assertPortsFree';
import { describeExit, startChild } from './startChild';
import type { ChildExit } from './startChild';
import { waitForHttp } from './waitForHttp';

export type GoogleEmulatorKind = 'pubsub' | 'firestore';

export interface GoogleEmulatorOptions {
  readonly kind: GoogleEmulatorKind;
  /** Path of gcloud (see findGoogleEmulators). */
  readonly gcloud: string;
  readonly host?: string;
  /** 0 picks a free port first: the emulators cannot report one they chose. */
  readonly port: number;
  /** Pub/Sub only: the project the emulator announces (any project works against it). */
  readonly projectId?: string;
  /** Warnings and errors after start-up; the start-up chatter is kept for the error message. */
  readonly log?: (line: string) => void;
  /** Java start-up takes 5-25 s on a busy 2-core machine. */
  readonly readyTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface GoogleEmulator {
  readonly kind: GoogleEmulatorKind;
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value *_EMULATOR_HOST takes. */
  readonly address: string;
  /** pid of gcloud's wrapper, which leads the emulator's process group. */
  readonly pid: number | undefined;
  /** Settles when the wrapper exits (after close(), or on its own). */
  readonly exited: Promise<ChildExit>;
  /** SIGTERM to the whole process group (wrapper and Java), SIGKILL after a grace. Idempotent. */
  close(): Promise<void>;
}

const COMMANDS: Readonly<Record<GoogleEmulatorKind, readonly string[]>> = {
  pubsub: ['beta', 'emulators', 'pubsub', 'start'],
  firestore: ['emulators', 'firestore', 'start'],
};
const STOP_GRACE_MS = 5_000;
const KEPT_START_LINES = 30;
// Left out once it runs: java.util.logging's header lines ("Nov 30, 2026 11:00:02 AM
// com.google..."), the "Detected non-HTTP/2 connection" pair per plain-HTTP request, and
// the exception and stack frames under each failed push (its one-line summary stays:
// "INFO: Failed to push to endpoint '…': Connection refused").
const CHATTER = /^(?:[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M |INFO: Detected |SLF4J: |\s+at |\s*\.\.\. \d+ more|Caused by: |[\w$.]+(?:Exception|Error)(?::|$))/;

/**
 * Runs one of Google's emulators through `gcloud ... start`, as a developer would, and
 * resolves once it answers HTTP on its port. gcloud's start is a Python wrapper that
 * spawns Java; signalling the wrapper alone leaves Java listening, so it runs in its
 * own process group and the group is what gets stopped.
 */
export async function startGoogleEmulator(options: GoogleEmulatorOptions): Promise<GoogleEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await findFreePort(host));
  const address = `${host}:${port}`;
  const log = options.log ?? (() => undefined);
  const args = [...COMMANDS[options.kind], `--host-port=${address}`];
  if (options.kind === 'pubsub' && options.projectId) args.push(`--project=${options.projectId}`);
  let ready = false;
  const startLines: string[] = [];
  const child = startChild({
    name: options.kind,
    command: options.gcloud,
    args,
    env: {
      ...(options.env ?? process.env),
      // No question on stdin, no update check on the network.
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    },
    signalGroup: true,
    log: (prefixed) => {
      // gcloud already prefixes Java's lines with "[pubsub] " / "[firestore] ".
      const line = prefixed.slice(options.kind.length + 3).replace(/^\[(?:pubsub|firestore)\] /, '');
      if (!ready) {
        startLines.push(line);
        if (startLines.length > KEPT_START_LINES) startLines.shift();
      } else if (line.trim() !== '' && !CHATTER.test(line)) {
        log(line);
      }
    },
  });
  const close = async (): Promise<void> => {
    await child.stop(STOP_GRACE_MS);
  };
  try {
    await waitForHttp(`http://${address}/`, {
      part: `Google's ${options.kind} emulator (gcloud ${COMMANDS[options.kind].join(' ')})`,
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      intervalMs: 200,
      giveUp: () => (child.isRunning() ? undefined : 'exited'),
    });
  } catch (err) {
    await close();
    const exit = child.isRunning() ? '' : ` (gcloud ${describeExit(await child.exited)})`;
    throw new Error(`${(err as Error).message}${exit}; its last lines:\n  ${startLines.join('\n  ')}`, { cause: err });
  }
  ready = true;
  return { kind: options.kind, host, port, address, pid: child.pid, exited: child.exited, close };
}
