import type { JaegerTraceLike } from './jaegerTrace';
import type { TraceLookup } from './verifyOrders';

/** `GET {base}/api/traces/{id}` of a Jaeger query API; a 404 is "not there (yet)". */
export function traceQueryClient(base: string, timeoutMs = 10_000): (traceId: string) => Promise<TraceLookup> {
  return async (traceId) => {
    try {
      const res = await fetch(traceApiUrl(base, traceId), { signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 404) {
        await res.body?.cancel();
        return { trace: undefined };
      }
      if (!res.ok) return { error: `${res.status} from ${base}` };
      const body = (await res.json()) as { data?: JaegerTraceLike[] };
      return { trace: body.data?.[0] };
    } catch (err) {
      return { error: `${(err as Error).message} (${base})` };
    }
  };
}

export function traceApiUrl(base: string, traceId: string): string {
  return `${base}/api/traces/${traceId}`;
}

export function traceViewerUrl(base: string, traceId: string): string {
  return `${base}/trace/${traceId}`;
}
