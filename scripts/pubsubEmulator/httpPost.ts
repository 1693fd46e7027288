import http from 'node:http';
import https from 'node:https';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { PushRequest } from './pushRequest';

export interface PostResult {
  readonly status?: number;
  readonly error?: string;
}

export interface PostAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/**
 * One POST that always resolves. Runs with tracing suppressed: if this process
 * has HTTP instrumentation, the emulator must neither make spans nor inject a
 * traceparent header that would compete with the one in the message attributes.
 */
export function httpPost(url: string, request: PushRequest, agents: PostAgents, timeoutMs: number, signal: AbortSignal): Promise<PostResult> {
  return new Promise<PostResult>((resolve) => {
    context.with(suppressTracing(context.active()), () => {
      let settled = false;
      const done = (result: PostResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let req: http.ClientRequest | undefined;
      const timer = setTimeout(() => {
        done({ error: `no answer within ${timeoutMs} ms` });
        req?.destroy();
      }, timeoutMs);
      timer.unref();
      try {
        const target = new URL(url);
        const client = target.protocol === 'https:' ? https : http;
        req = client.request(target, {
          method: 'POST',
          agent: target.protocol === 'https:' ? agents.https : agents.http,
          headers: { ...request.headers, 'content-length': String(request.body.length) },
          signal,
        });
      } catch (error) {
        done({ error: error instanceof Error ? error.message : String(error) });
        return;
      }
      const sent = req;
      sent.on('response', (res) => {
        // Drain the body so the keep-alive socket can be reused.
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0 }));
        res.on('error', (error) => done({ error: error.message }));
      });
      sent.on('error', (error) => done({ error: error.message }));
      sent.end(request.body);
    });
  });
}
