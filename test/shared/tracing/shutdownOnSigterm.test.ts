import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { shutdownOnSigterm } from 'cloud-functions-otel-tracing/internal/shutdownOnSigterm';
import { trace } from '@opentelemetry/api';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

test('SIGTERM: the framework exit waits for the provider shutdown', async () => {
  const events: string[] = [];
  let finishShutdown!: () => void;
  const tracing: Tracing = {
    enabled: true,
    tracer: trace.getTracer('t'),
    flushTimeoutMs: 5000,
    flushMode: 'before-response',
    config: loadTracingConfig({}, []),
    flush: () => Promise.resolve('flushed'),
    shutdown: () =>
      new Promise<void>((resolve) => {
        events.push('shutdown started');
        finishShutdown = () => {
          events.push('shutdown finished');
          resolve();
        };
      }),
  };
  const fakeProcess = new EventEmitter() as EventEmitter & { exit: (code?: number) => void };
  fakeProcess.exit = (code?: number) => void events.push(`exit ${code ?? ''}`.trim());
  shutdownOnSigterm(tracing, fakeProcess as unknown as NodeJS.Process);
  // functions-framework registers its own listener later, which exits at once.
  fakeProcess.on('SIGTERM', () => fakeProcess.exit());
  fakeProcess.emit('SIGTERM');
  assert.deepEqual(events, ['shutdown started'], 'the exit is held back while the provider shuts down');
  finishShutdown();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['shutdown started', 'shutdown finished', 'exit']);
});
