const MAX_ID_CHARS = 128;

/**
 * An id from outside (a message id, an order id in a dead letter) as it may appear in
 * logs and span attributes: at most 128 characters, control characters replaced. An
 * attacker chooses these; they must not fill a log line.
 */
export function boundedId(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > MAX_ID_CHARS ? `${clean.slice(0, MAX_ID_CHARS)}…(${clean.length} chars)` : clean;
}
