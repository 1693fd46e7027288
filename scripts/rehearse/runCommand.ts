import { describeExit, startChild } from '../stack/startChild';

export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Each output line, as it comes. */
  readonly log: (line: string) => void;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * Runs a command to completion within its deadline; a non-zero exit or a timeout throws,
 * with the command's last output lines in the message. On timeout only this command's
 * pid is stopped (SIGTERM, then SIGKILL).
 */
export async function runCommand(spec: CommandSpec): Promise<void> {
  const tail: string[] = [];
  const label = [spec.command, ...spec.args].join(' ');
  const child = startChild({
    name: spec.command,
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    log: (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      spec.log(line);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), spec.timeoutMs);
  });
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await child.stop(5_000);
    throw new CommandError(`\`${label}\` did not finish within ${spec.timeoutMs} ms\n${tail.join('\n')}`);
  }
  if (outcome.error || outcome.code !== 0) {
    throw new CommandError(`\`${label}\` ${describeExit(outcome)}\n${tail.join('\n')}`);
  }
}
