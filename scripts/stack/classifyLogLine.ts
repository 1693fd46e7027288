/** What the stack window does with one prefixed output line (`[createOrder] {...}`). */
export type LogLineClass =
  /** Shown in full at once: warnings, errors, anything unexpected. */
  | { readonly show: 'full'; readonly source: string }
  /** Counted under `key` in the next summary line (routine INFO lines, deprecation notices). */
  | { readonly show: 'count'; readonly source: string; readonly key: string }
  /** Kept in the log file only (functions-framework's start-up chatter). */
  | { readonly show: 'file'; readonly source: string };

export const FUNCTION_SOURCES: readonly string[] = ['createOrder', 'processOrder', 'sweepOrders'];
/** Google's emulators, whose gcloud wrapper prefixes Java's java.util.logging lines. */
const EMULATOR_SOURCES: readonly string[] = ['pubsub', 'firestore'];
// java.util.logging's routine level; WARNING and SEVERE stay in full.
const EMULATOR_ROUTINE = /^(?:INFO|FINE|FINER|FINEST|CONFIG): /;

const LOUD_SEVERITIES = new Set(['WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);
// functions-framework's start-up lines: the banner already says all of it.
const FRAMEWORK_STARTUP = /^(Serving function\.\.\.|Function: |Signature type: |URL: )/;
// Node prints a deprecation as two lines; both are one notice, counted once.
const DEPRECATION = /^\(node:\d+\) \[[\w-]+\] DeprecationWarning/;
const DEPRECATION_HINT = /^\(Use `node --trace-(deprecation|warnings) \.\.\.`/;

/**
 * Sorts a function's line into shown, counted or file-only. Google's emulators' routine
 * (INFO) lines are counted too; every other line of the stack's own parts (`[stack]`,
 * `[sweeper]`, `[collector]`, emulator warnings, …) is rare and always shown. Pure.
 */
export function classifyLogLine(line: string): LogLineClass {
  const match = /^\[([^\]]+)\] ?(.*)$/.exec(line);
  const source = match?.[1] ?? 'stack';
  const text = match?.[2] ?? line;
  if (EMULATOR_SOURCES.includes(source) && EMULATOR_ROUTINE.test(text)) return { show: 'count', source, key: emulatorKey(text) };
  if (!FUNCTION_SOURCES.includes(source)) return { show: 'full', source };
  if (FRAMEWORK_STARTUP.test(text)) return { show: 'file', source };
  if (DEPRECATION.test(text)) return { show: 'count', source, key: 'deprecation notice' };
  if (DEPRECATION_HINT.test(text)) return { show: 'file', source };
  const entry = parseJsonObject(text);
  if (!entry) return { show: 'full', source };
  const severity = typeof entry.severity === 'string' ? entry.severity.toUpperCase() : 'DEFAULT';
  if (LOUD_SEVERITIES.has(severity)) return { show: 'full', source };
  const message = typeof entry.message === 'string' && entry.message !== '' ? entry.message : 'log line';
  // "sweep pass: unpublished: found 0, …" differs in its figures every pass: count by what comes before the colon.
  return { show: 'count', source, key: message.split(': ')[0]! };
}

/** "INFO: Failed to push to endpoint 'http://…': Connection refused" → "Failed to push to endpoint": one key per kind of line. */
function emulatorKey(text: string): string {
  const message = text.replace(EMULATOR_ROUTINE, '');
  return message.split(/[:'"([]| \d/)[0]!.trim() || 'INFO line';
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
