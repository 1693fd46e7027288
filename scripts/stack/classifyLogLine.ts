/** What the stack window does with one prefixed output line (`[createOrder] {...}`). */
export type LogLineClass =
  /** Shown in full at once: warnings, errors, anything unexpected. */
  | { readonly show: 'full'; readonly source: string }
  /** Counted under `key` in the next summary line (routine INFO lines, deprecation notices). */
  | { readonly show: 'count'; readonly source: string; readonly key: string }
  /** Kept in the log file only (functions-framework's start-up chatter). */
  | { readonly show: 'file'; readonly source: string };

export const FUNCTION_SOURCES: readonly string[] = ['createOrder', 'processOrder'];

const LOUD_SEVERITIES = new Set(['WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);
// functions-framework's start-up lines: the banner already says all of it.
const FRAMEWORK_STARTUP = /^(Serving function\.\.\.|Function: |Signature type: |URL: )/;
// Node prints a deprecation as two lines; both are one notice, counted once.
const DEPRECATION = /^\(node:\d+\) \[[\w-]+\] DeprecationWarning/;
const DEPRECATION_HINT = /^\(Use `node --trace-(deprecation|warnings) \.\.\.`/;

/**
 * Sorts a function's line into shown, counted or file-only. Lines from the stack's own
 * parts (`[stack]`, `[pubsub]`, `[collector]`, …) are rare and always shown. Pure.
 */
export function classifyLogLine(line: string): LogLineClass {
  const match = /^\[([^\]]+)\] ?(.*)$/.exec(line);
  const source = match?.[1] ?? 'stack';
  const text = match?.[2] ?? line;
  if (!FUNCTION_SOURCES.includes(source)) return { show: 'full', source };
  if (FRAMEWORK_STARTUP.test(text)) return { show: 'file', source };
  if (DEPRECATION.test(text)) return { show: 'count', source, key: 'deprecation notice' };
  if (DEPRECATION_HINT.test(text)) return { show: 'file', source };
  const entry = parseJsonObject(text);
  if (!entry) return { show: 'full', source };
  const severity = typeof entry.severity === 'string' ? entry.severity.toUpperCase() : 'DEFAULT';
  if (LOUD_SEVERITIES.has(severity)) return { show: 'full', source };
  const message = typeof entry.message === 'string' && entry.message !== '' ? entry.message : 'log line';
  return { show: 'count', source, key: message };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
