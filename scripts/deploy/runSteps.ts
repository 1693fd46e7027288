import { setTimeout as delay } from 'node:timers/promises';
import { formatCommand } from './formatCommand';
import type { Argv, GcloudStep } from './gcloudStep';
import { resolveArgv } from './gcloudStep';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one command to completion. `stream`: its output is shown as it comes (a deploy
 * takes minutes); `quiet`: only collected (describes, captured values).
 */
export type RunCommand = (argv: readonly string[], mode: 'stream' | 'quiet') => Promise<CommandResult>;

export interface RunStepsDeps {
  readonly runCommand: RunCommand;
  /** One progress line. */
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pause before retrying a step that has `attempts` > 1. */
  readonly retryDelayMs?: number;
  /** What the failure message says stopped (default `Deploy`). */
  readonly what?: string;
}

export type RunOutcome =
  | {
      readonly ok: true;
      readonly values: ReadonlyMap<string, string>;
      readonly created: number;
      readonly existing: number;
      /** Undo: resources deleted, and resources that were already gone. */
      readonly removed: number;
      readonly absent: number;
    }
  | {
      readonly ok: false;
      /** 1-based index of the failed step. */
      readonly step: number;
      /** gcloud's exit code (0 when it succeeded but printed no usable value). */
      readonly code: number;
      /** What to tell the user: the step, the command, gcloud's error. */
      readonly message: string;
    };

// Captured values end up inside other commands' arguments: accept names, numbers, URLs.
const CAPTURED = /^[\w.:/@-]+$/;
const STDERR_LINES = 20;
// How gcloud says a resource does not exist (describe of a topic, function, account, job).
const NOT_FOUND = /NOT_FOUND|not found|does not exist/i;
// gcloud's answer when no account is logged in (or its login expired): 12 lines of advice
// that come down to one command.
const NO_CREDENTIALS = /You do not currently have an active account selected|Reauthentication (?:required|failed)|gcloud auth login/;

/**
 * Runs the plan in order and stops at the first step that fails. Guarded creates are
 * skipped when their describe succeeds; captured values fill later steps' arguments.
 */
export async function runSteps(steps: readonly GcloudStep[], deps: RunStepsDeps): Promise<RunOutcome> {
  const sleep = deps.sleep ?? delay;
  const retryDelayMs = deps.retryDelayMs ?? 5000;
  const values = new Map<string, string>();
  let created = 0;
  let existing = 0;
  let removed = 0;
  let absent = 0;

  for (const [index, step] of steps.entries()) {
    const n = `[${index + 1}/${steps.length}]`;
    const pad = ' '.repeat(n.length);
    const fail = (argv: readonly string[], result: CommandResult, problem?: string): RunOutcome => ({
      ok: false,
      step: index + 1,
      code: result.code,
      message: failureMessage(deps.what ?? 'Deploy', index + 1, steps.length, step, argv, result, problem),
    });
    const exec = async (argv: Argv, mode: 'stream' | 'quiet', prefix = n) => {
      const resolved = resolveArgv(argv, values);
      deps.log(`${prefix} ${formatCommand(resolved)}`);
      return { resolved, result: await deps.runCommand(resolved, mode) };
    };

    switch (step.kind) {
      case 'run': {
        const attempts = Math.max(1, step.attempts ?? 1);
        for (let attempt = 1; ; attempt++) {
          const { resolved, result } = await exec(step.argv, 'stream', attempt === 1 ? n : pad);
          if (result.code === 0) break;
          if (attempt >= attempts) return fail(resolved, result);
          deps.log(`${pad} failed (exit ${result.code}); retrying in ${retryDelayMs / 1000} s (attempt ${attempt + 1} of ${attempts})`);
          await sleep(retryDelayMs);
        }
        break;
      }
      case 'ensure': {
        const check = await exec(step.check, 'quiet');
        if (check.result.code === 0 && (step.existsWhen !== 'prints' || check.result.stdout.trim() !== '')) {
          existing++;
          deps.log(`${pad} exists; not created`);
          break;
        }
        const { resolved, result } = await exec(step.create, 'stream', pad);
        if (result.code !== 0) return fail(resolved, result);
        created++;
        break;
      }
      case 'remove': {
        const check = await exec(step.check, 'quiet');
        const output = check.result.stdout.trim();
        // Gone is fine; a check that fails for another reason (credentials, permission) is not "gone".
        if (check.result.code !== 0 && !NOT_FOUND.test(check.result.stderr)) return fail(check.resolved, check.result);
        if (check.result.code !== 0 || (step.existsWhen === 'prints' && output === '')) {
          absent++;
          deps.log(`${pad} not there; nothing to remove`);
          break;
        }
        if (step.captureAs !== undefined) {
          const value = output.split('\n')[0]!.trim();
          if (!CAPTURED.test(value)) return fail(check.resolved, check.result, `It printed "${value.slice(0, 200)}" where ${step.captureAs} was expected.`);
          values.set(step.captureAs, value);
        }
        const { resolved, result } = await exec(step.delete, 'stream', pad);
        if (result.code !== 0) return fail(resolved, result);
        removed++;
        break;
      }
      case 'require': {
        const { resolved, result } = await exec(step.check, 'quiet');
        if (result.code !== 0) return fail(resolved, result, step.hint);
        break;
      }
      case 'capture': {
        const { resolved, result } = await exec(step.argv, 'quiet');
        if (result.code !== 0) return fail(resolved, result);
        const value = result.stdout.trim();
        if (!CAPTURED.test(value)) {
          return fail(resolved, result, `It printed ${value ? `"${value.slice(0, 200)}"` : 'nothing'} where ${step.name} was expected.`);
        }
        values.set(step.name, value);
        deps.log(`${pad} ${step.name}=${value}`);
        break;
      }
    }
  }
  return { ok: true, values, created, existing, removed, absent };
}

function failureMessage(
  what: string,
  index: number,
  total: number,
  step: GcloudStep,
  argv: readonly string[],
  result: CommandResult,
  problem: string | undefined,
): string {
  if (NO_CREDENTIALS.test(result.stderr)) {
    return [
      `${what} stopped at step ${index}/${total} (${step.title}): gcloud has no active, logged-in account.`,
      'Run `gcloud auth login` (or `gcloud config set account ACCOUNT`), then the same command again.',
    ].join('\n');
  }
  const stderr = result.stderr.trimEnd().split('\n').slice(-STDERR_LINES).join('\n');
  return [
    `${what} stopped at step ${index}/${total}: ${step.title}`,
    `gcloud exited with code ${result.code}:`,
    `  ${formatCommand(argv)}`,
    ...(stderr ? [stderr] : []),
    ...(problem ? [problem] : []),
    `Steps after it did not run. Fix the cause and run the same command again: ${what === 'Deploy' ? 'what exists is kept, the rest is re-applied' : 'what is already gone is skipped'}.`,
  ].join('\n');
}
