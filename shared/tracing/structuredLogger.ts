import { trace } from '@opentelemetry/api';

export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * JSON-lines logger in the shape Cloud Logging parses from stdout: `severity`,
 * `message`, and the trace/span fields that link each line to its trace (the trace
 * field names the project, so it is left out when no project is known).
 */
export function createLogger(projectId: string | undefined, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (severity: Severity, message: string, fields: Record<string, unknown> = {}): void => {
    const entry: Record<string, unknown> = { severity, message, ...fields, time: new Date().toISOString() };
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && trace.isSpanContextValid(spanContext)) {
      if (projectId !== undefined) entry['logging.googleapis.com/trace'] = `projects/${projectId}/traces/${spanContext.traceId}`;
      entry['logging.googleapis.com/spanId'] = spanContext.spanId;
      entry['logging.googleapis.com/trace_sampled'] = (spanContext.traceFlags & 1) === 1;
    }
    write(`${JSON.stringify(entry, errorReplacer)}\n`);
  };
  return {
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARNING', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
