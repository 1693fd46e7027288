import { GoogleAuth } from 'google-auth-library';
import type { CloudTraceTrace } from './cloudTraceToJaeger';
import { cloudTraceToJaeger } from './cloudTraceToJaeger';
import type { PaceClock } from './pacedCalls';
import { pacedCalls } from './pacedCalls';
import type { TraceLookup } from './verifyOrders';

/** Google's Cloud Trace API; `--cloud-trace-api` points elsewhere (a private endpoint, a test's stand-in). */
export const CLOUD_TRACE_API = 'https://cloudtrace.googleapis.com';

/** Reading traces needs no more than this (roles/cloudtrace.user grants it). */
const CLOUD_TRACE_READ_SCOPES = ['https://www.googleapis.com/auth/trace.readonly'];

/** What the client needs of google-auth-library's GoogleAuth: the Authorization header. */
export interface RequestHeaders {
  getRequestHeaders(url?: string): Promise<Headers>;
}

/**
 * Application Default Credentials for reading traces: gcloud's application-default login,
 * GOOGLE_APPLICATION_CREDENTIALS (a key or a workload identity federation file), or the
 * metadata server on Google Cloud, as google-auth-library looks for them.
 */
export function cloudTraceAuth(projectId: string): GoogleAuth {
  return new GoogleAuth({ projectId, scopes: CLOUD_TRACE_READ_SCOPES });
}

/**
 * Cloud Trace's read quota is 300 GetTrace calls per minute per project, shared with the
 * console and anyone else reading: the load test takes at most 4 a second (240 a minute).
 */
export const CLOUD_TRACE_READS_PER_SECOND = 4;

export interface CloudTraceClientOptions {
  readonly timeoutMs?: number;
  readonly readsPerSecond?: number;
  readonly clock?: PaceClock;
}

/**
 * `GET {base}/v1/projects/{project}/traces/{id}` of the Cloud Trace API, mapped onto the
 * Jaeger shape checkTrace reads, paced to the read quota. A 404 is "not there (yet)": spans
 * reach Cloud Trace some seconds after export, and verifyOrders asks again until its wait
 * is over.
 */
export function cloudTraceClient(base: string, projectId: string, auth: RequestHeaders, options: CloudTraceClientOptions = {}): (traceId: string) => Promise<TraceLookup> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return pacedCalls(async (traceId: string): Promise<TraceLookup> => {
    const url = cloudTraceApiUrl(base, projectId, traceId);
    try {
      const headers = await auth.getRequestHeaders(url);
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 404) {
        await res.body?.cancel();
        return { trace: undefined };
      }
      if (!res.ok) return { error: `${res.status} from ${base}: ${(await res.text()).slice(0, 200)}` };
      return { trace: cloudTraceToJaeger((await res.json()) as CloudTraceTrace) };
    } catch (err) {
      return { error: `${(err as Error).message} (${base})` };
    }
  }, options.readsPerSecond ?? CLOUD_TRACE_READS_PER_SECOND, options.clock);
}

export function cloudTraceApiUrl(base: string, projectId: string, traceId: string): string {
  return `${base}/v1/projects/${encodeURIComponent(projectId)}/traces/${traceId}`;
}

/** The trace in Google Cloud console's trace explorer. */
export function cloudTraceConsoleUrl(projectId: string, traceId: string): string {
  return `https://console.cloud.google.com/traces/list?project=${encodeURIComponent(projectId)}&tid=${traceId}`;
}
