import path from 'node:path';
import { startChild } from '../stack/startChild';
import type { RunningChild } from '../stack/startChild';

export interface EmulatorProcesses {
  /** `host:port` values for PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST. */
  readonly pubsub: string;
  readonly firestore: string;
  readonly pids: { readonly pubsub: number | undefined; readonly firestore: number | undefined };
  close(): Promise<void>;
}

const SCRIPTS = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 15_000;

/**
 * The bundled Pub/Sub and Firestore emulators, each in its own process on a free
 * loopback port, so that the CPU each one spends can be read from /proc per stack
 * (the stack otherwise runs them inside the benchmark's own process).
 */
export async function startEmulatorProcesses(): Promise<EmulatorProcesses> {
  const started: RunningChild[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.map((child) => child.stop(5000)));
  };
  try {
    const [pubsub, firestore] = await Promise.all([
      startEmulator(started, 'pubsub-emulator', 'pubsubEmulator/main.js', /listening on (\S+:\d+)/),
      startEmulator(started, 'firestore-emulator', 'firestoreEmulator/main.js', /listening on (\S+:\d+)/),
    ]);
    return { pubsub: pubsub.address, firestore: firestore.address, pids: { pubsub: pubsub.pid, firestore: firestore.pid }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function startEmulator(started: RunningChild[], name: string, main: string, ready: RegExp): Promise<{ address: string; pid: number | undefined }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const child = startChild({
      name,
      command: process.execPath,
      args: [path.join(SCRIPTS, main), '--host', '127.0.0.1', '--port', '0'],
      env: process.env,
      log: (line) => {
        const match = done ? null : ready.exec(line);
        if (!match) return;
        done = true;
        clearTimeout(timer);
        resolve({ address: match[1]!, pid: child.pid });
      },
    });
    started.push(child);
    void child.exited.then(() => {
      if (!done) reject(new Error(`${name} exited before it was listening`));
      done = true;
    });
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      reject(new Error(`${name} did not report listening within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
  });
}
