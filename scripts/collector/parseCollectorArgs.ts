import { parseFlags } from '../cli/parseFlags';
import type { CollectorOptions } from './startCollector';

export class CollectorUsageError extends Error {
  override readonly name = 'CollectorUsageError';
}

export type CollectorCommand = { readonly help: true } | { readonly help: false; readonly options: CollectorOptions };

export const COLLECTOR_USAGE = `Usage: collector [options]

Local trace collector: OTLP/gRPC and OTLP/HTTP in, Jaeger's query API and a
trace viewer out, recent traces kept in memory.

Options:
  --host <addr>      address to listen on (default 127.0.0.1)
  --grpc-port <n>    OTLP/gRPC port (default 4317; 0 = any free port)
  --http-port <n>    OTLP/HTTP port, POST /v1/traces (default 4318; 0 = any free port)
  --query-port <n>   Jaeger query API and viewer (default 16686; 0 = any free port)
  --max-traces <n>   traces kept in memory, oldest evicted (default 10000)
  --file <path>      keep spans in this file too (one JSON line each): read back at
                     start, so a restarted collector still has its traces
  --help             show this help

Exit codes: 0 stopped by SIGINT/SIGTERM or --help, 1 failed to start,
2 a port is already in use, 64 bad arguments.
`;

/** Reads the command line (without node and script); throws CollectorUsageError. */
export function parseCollectorArgs(argv: readonly string[]): CollectorCommand {
  const values = parseFlags(
    argv,
    {
      host: { type: 'string' },
      'grpc-port': { type: 'string' },
      'http-port': { type: 'string' },
      'query-port': { type: 'string' },
      'max-traces': { type: 'string' },
      file: { type: 'string' },
      help: { type: 'boolean' },
    },
    (message) => new CollectorUsageError(message),
  );
  if (values.help === true) return { help: true };
  if (values.host === '') throw new CollectorUsageError('--host must not be empty');
  const options: CollectorOptions = {
    host: typeof values.host === 'string' ? values.host : undefined,
    grpcPort: integer(values['grpc-port'], '--grpc-port', 0, 65535),
    httpPort: integer(values['http-port'], '--http-port', 0, 65535),
    queryPort: integer(values['query-port'], '--query-port', 0, 65535),
    maxTraces: integer(values['max-traces'], '--max-traces', 1, Number.MAX_SAFE_INTEGER),
    file: typeof values.file === 'string' && values.file !== '' ? values.file : undefined,
  };
  return { help: false, options };
}

function integer(value: string | boolean | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw new CollectorUsageError(`${flag} must be an integer from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}
