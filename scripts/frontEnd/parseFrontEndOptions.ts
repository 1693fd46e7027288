import { parseFlags } from '../cli/parseFlags';
import { wholeNumber } from '../cli/wholeNumber';

export type Billing = 'request' | 'instance';

export interface FrontEndOptions {
  readonly host: string;
  /** Where callers reach the function (0: any free port, printed at start). */
  readonly port: number;
  /** `request`: the instance is stopped (SIGSTOP) while no request is in flight; `instance`: never. */
  readonly billing: Billing;
  /** Idle time after which the instance is shut down (scale-in), in ms. */
  readonly idleShutdownMs: number;
  /** Requests per second per instance the front end marks as sampled (Cloud Run: 0.1). */
  readonly sampleRate: number;
  /** The function's timeout: the front end answers 504 after it, in ms. */
  readonly timeoutMs: number;
  /** The command that starts one instance (a functions-framework process); it listens on $PORT. */
  readonly command: readonly string[];
  readonly help: boolean;
}

export class FrontEndOptionsError extends Error {
  override readonly name = 'FrontEndOptionsError';
}

export const BILLINGS: readonly Billing[] = ['request', 'instance'];

export const FRONT_END_HELP = `Usage: npm run front-end -- --port P [options] -- <command that starts your function>

Puts a local stand-in for Cloud Run's front end before a functions-framework process, so
the function runs as it will on the platform: trace headers with the front end's
rate-limited sampled flag, the process stopped (SIGSTOP) while no request is in flight,
scale-in after an idle time, cold starts, the timeout and the request size limit.

  npm run front-end -- --port 8080 -- npx functions-framework --target=myFunction

The command is started once per instance, in its own process group, with PORT set to a
free internal port (leave out functions-framework's --port). The first request starts
the first instance (a cold start) and waits for it.

Options:
  --port N                      port callers use (0 = any free port)       (default 8080)
  --billing request|instance    request: the instance's process group is stopped with
                                SIGSTOP whenever no request is in flight and continued
                                with SIGCONT when one arrives, as request-based billing
                                throttles the CPU; instance: never stopped (default request)
  --idle-shutdown SECONDS       idle time before scale-in: SIGCONT, SIGTERM, 10 s, SIGKILL;
                                the next request cold-starts a new instance (default 900)
  --front-end-sample-rate R     requests per second per instance marked sampled in the
                                forwarded traceparent (token bucket; Cloud Run: 0.1);
                                a caller's X-Cloud-Trace-Context: TRACE/SPAN;o=1 is
                                kept sampled (up to 10/s)                  (default 0.1)
  --timeout SECONDS             the function's timeout: after it the caller gets 504 and
                                the socket is closed (default 60, at most 3600)
  -h, --help                    this text

Every response carries X-Local-Platform: cloud-run; billing=<mode>. Requests over 32 MiB
get 413. The front end's own lines are JSON on stdout (severity, message); the function's
output passes through unchanged. When the process that started the front end dies, the
front end stops its instance and exits.

Exit codes: 0 stopped by SIGINT/SIGTERM or its parent's death, 1 could not start, 2 bad options.`;

/** Reads argv (flags, then `--`, then the command); throws FrontEndOptionsError naming the flag. */
export function parseFrontEndOptions(argv: readonly string[] = process.argv.slice(2)): FrontEndOptions {
  const split = argv.indexOf('--');
  const flags = split === -1 ? argv : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  const values = parseFlags(
    flags,
    {
      port: { type: 'string' },
      billing: { type: 'string' },
      'idle-shutdown': { type: 'string' },
      'front-end-sample-rate': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    usageError,
  );
  const help = values.help === true;
  const billing = (values.billing as string | undefined) ?? 'request';
  if (!BILLINGS.includes(billing as Billing)) throw usageError(`--billing must be one of ${BILLINGS.join(', ')}, got "${billing}"`);
  if (!help && command.length === 0) throw usageError('no function command: put it after --, e.g. -- npx functions-framework --target=myFunction');
  return {
    host: '127.0.0.1',
    port: values.port === undefined ? 8080 : wholeNumber('--port', values.port as string, 0, 65535, usageError),
    billing: billing as Billing,
    idleShutdownMs: seconds('--idle-shutdown', values['idle-shutdown'] as string | undefined, 900, MAX_IDLE_SHUTDOWN_S, usageError) * 1000,
    sampleRate: sampleRate('--front-end-sample-rate', values['front-end-sample-rate'] as string | undefined, usageError),
    timeoutMs: seconds('--timeout', values.timeout as string | undefined, 60, 3600, usageError) * 1000,
    command,
    help,
  };
}

/** Longest --idle-shutdown accepted: a week. */
export const MAX_IDLE_SHUTDOWN_S = 7 * 24 * 3600;

/** A positive number of seconds (fractions allowed: tests and benchmarks use short ones). */
export function seconds(flag: string, raw: string | undefined, fallback: number, max: number, usageError: (message: string) => Error): number {
  if (raw === undefined) return fallback;
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(n > 0) || n > max) throw usageError(`${flag} must be a number of seconds above 0, at most ${max}, got "${raw}"`);
  return n;
}

/** Sampled requests per second: a number >= 0 (0: only each instance's first and forced requests are sampled). */
export function sampleRate(flag: string, raw: string | undefined, usageError: (message: string) => Error): number {
  if (raw === undefined) return 0.1;
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n > 1_000_000) throw usageError(`${flag} must be a number of requests per second, 0 or more, got "${raw}"`);
  return n;
}

function usageError(message: string): FrontEndOptionsError {
  return new FrontEndOptionsError(message);
}
