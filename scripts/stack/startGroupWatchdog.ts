import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface GroupWatchdog {
  /** Ends the watchdog without touching the group (the group is already gone or stopped). */
  dismiss(): void;
}

// Blocks on stdin until EOF, then stops the group: SIGTERM (and SIGCONT, so that a stopped
// group gets it), up to $2 tenths of a second for it to go, then SIGKILL. A shell builtin
// loop, so a watchdog costs one small `sh`, no Node.
const SCRIPT = [
  'while read -r _; do :; done',
  'kill -s TERM -- "-$1" 2>/dev/null || exit 0',
  'kill -s CONT -- "-$1" 2>/dev/null',
  'i=0',
  'while [ "$i" -lt "$2" ] && kill -s 0 -- "-$1" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done',
  'kill -s KILL -- "-$1" 2>/dev/null',
  'exit 0',
].join('\n');

/**
 * Ties a process group's life to this process's. A detached `sh` reads a pipe whose
 * write end only this process holds; when this process ends in any way (exit, crash,
 * SIGKILL), the kernel closes that end, the read sees EOF, and the shell stops the group.
 * No timer in this process is involved, so a runner killed outright still takes its
 * children with it, while a runner that is merely stopped (SIGSTOP) keeps them. The
 * watchdog is its own session: a terminal's Ctrl-C or hang-up never reaches it.
 */
export function startGroupWatchdog(pgid: number, graceMs: number): GroupWatchdog {
  const watchdog = spawn('/bin/sh', ['-c', SCRIPT, 'group-watchdog', String(pgid), String(Math.max(1, Math.ceil(graceMs / 100)))], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // An unspawnable shell leaves the group without its guard, not the runner broken.
  watchdog.once('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  // Neither the watchdog nor its pipe may keep this process's event loop alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return {
    dismiss() {
      // SIGKILL, not closing the pipe: a closed pipe would make it signal the group's id,
      // which the system may by now have given to someone else.
      try {
        watchdog.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
