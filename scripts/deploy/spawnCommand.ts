import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { CommandResult, RunCommand } from './runSteps';

// Enough of gcloud's stderr to quote its error; a deploy's progress output can be long.
const KEEP_STDERR_CHARS = 64 * 1024;

/**
 * Runs commands with child_process.spawn, without a shell (arguments are passed as they
 * are, never re-parsed). `executable` replaces argv[0] (the gcloud found on PATH); stdin
 * is closed, so gcloud never waits on a prompt. In `stream` mode the command's output is
 * copied to `out`/`err` as it arrives.
 */
export function spawnCommand(options: { readonly executable: string; readonly cwd: string; readonly out: Writable; readonly err: Writable }): RunCommand {
  return (argv, mode) =>
    new Promise<CommandResult>((resolve) => {
      let stdout = '';
      let stderr = '';
      const child = spawn(options.executable, argv.slice(1), { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (mode === 'stream') options.out.write(chunk);
      });
      child.stderr.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-KEEP_STDERR_CHARS);
        if (mode === 'stream') options.err.write(chunk);
      });
      // A command that cannot start (gcloud removed, not executable) fails like a shell would.
      child.once('error', (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}\n` }));
      child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}killed by ${signal}\n` : stderr }));
    });
}
