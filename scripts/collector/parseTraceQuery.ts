import { TRACE_SORTS } from './traceStore';
import type { TraceQuery, TraceSort } from './traceStore';

export type ParsedTraceQuery = { readonly ok: true; readonly query: TraceQuery } | { readonly ok: false; readonly error: string };

const DEFAULT_LIMIT = 100; // Jaeger query's default
const DEFAULT_LOOKBACK_MICROS = 3_600_000_000; // 1h, the Jaeger UI's default
const UNIT_MICROS: Readonly<Record<string, number>> = {
  ns: 0.001, us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000, d: 86_400_000_000,
};

/**
 * Reads Jaeger's /api/traces search parameters: service, operation, limit,
 * start/end (µs), lookback (UI shorthand, e.g. 1h, used when start is absent),
 * minDuration/maxDuration (Go durations), tags (JSON object) and tag=key:value.
 * Unlike Jaeger, service is optional: without it every trace is a candidate. Two
 * additions for the viewer: offset (paging past limit) and sort (start, duration,
 * errors or spans; a leading - for descending; default -start), and hideService
 * (repeatable: leaves out traces whose spans all belong to these services; the viewer
 * hides the recovery sweeper's passes with it).
 */
export function parseTraceQuery(params: URLSearchParams, nowMicros: number): ParsedTraceQuery {
  try {
    const endMicros = integer(params, 'end') ?? nowMicros;
    const lookback = params.get('lookback');
    const lookbackMicros = lookback && lookback !== 'custom' ? duration(lookback, 'lookback') : DEFAULT_LOOKBACK_MICROS;
    const limit = integer(params, 'limit') ?? DEFAULT_LIMIT;
    if (limit < 0) throw new Error('limit must not be negative');
    const offset = integer(params, 'offset') ?? 0;
    if (offset < 0) throw new Error('offset must not be negative');
    const sort = params.get('sort') || '-start';
    if (!(TRACE_SORTS as readonly string[]).includes(sort)) throw new Error(`sort must be one of ${TRACE_SORTS.join(', ')}, got "${sort}"`);
    const minDuration = params.get('minDuration');
    const maxDuration = params.get('maxDuration');
    const hiddenServices = params.getAll('hideService').filter((name) => name !== '');
    return {
      ok: true,
      query: {
        service: params.get('service') || undefined,
        operation: params.get('operation') || undefined,
        startMicros: integer(params, 'start') ?? endMicros - lookbackMicros,
        endMicros,
        minDurationMicros: minDuration ? duration(minDuration, 'minDuration') : undefined,
        maxDurationMicros: maxDuration ? duration(maxDuration, 'maxDuration') : undefined,
        tags: tags(params),
        limit: limit === 0 ? DEFAULT_LIMIT : limit,
        offset,
        sort: sort as TraceSort,
        ...(hiddenServices.length > 0 ? { hiddenServices } : {}),
      },
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function integer(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`${name} must be an integer, got "${text}"`);
  return Number(text);
}

/** Go-style duration ("1h30m", "250ms", "1.5s") or a bare day count ("2d") in µs. */
export function duration(text: string, name: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`${name} must be a duration like 1h, 30m or 250ms, got "${text}"`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MICROS[p[2] ?? ''] ?? 0), 0));
}

function tags(params: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  const json = params.get('tags');
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('tags must be a JSON object of strings');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('tags must be a JSON object of strings');
    for (const [key, value] of Object.entries(parsed)) result[key] = String(value);
  }
  for (const tag of params.getAll('tag')) {
    const colon = tag.indexOf(':');
    if (colon <= 0) throw new Error(`tag must be key:value, got "${tag}"`);
    result[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  return result;
}
