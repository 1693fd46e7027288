/* eslint-disable @typescript-eslint/no-require-imports -- each variant patches grpc-js before Firestore loads */
import domain from 'node:domain';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { instrumentModules } from 'cloud-functions-otel-tracing/internal/instrumentModules';
import { oneOf, runWorkerMain } from './runWorkerMain';

/** untraced: no SDK; no-grpc-spans: SDK and context manager, grpc-js unpatched; instrumentation-grpc: as the library runs it. */
export const GRPC_VARIANTS = ['untraced', 'no-grpc-spans', 'instrumentation-grpc'] as const;
export type GrpcVariant = (typeof GRPC_VARIANTS)[number];

export interface GrpcCallTimings {
  readonly variant: GrpcVariant;
  /** Process CPU (user + system) per iteration: one Commit (unary) and one BatchGetDocuments (server stream). */
  readonly cpuMsPerIteration: number;
  readonly spansPerIteration: number;
}

const WARMUP = 60;

/**
 * One variant in a fresh process: `iterations` against the Firestore emulator,
 * each in its own domain with a root span active, as functions-framework and our
 * wrapper run an invocation. Prints GrpcCallTimings as JSON.
 */
async function main(variant: GrpcVariant, iterations: number): Promise<void> {
  let exported = 0;
  let tracer: Tracer | undefined;
  let provider: NodeTracerProvider | undefined;
  if (variant !== 'untraced') {
    const exporter: SpanExporter = {
      export: (spans: ReadableSpan[], done) => {
        exported += spans.length;
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    provider.register();
    tracer = provider.getTracer('grpc-bench');
    if (variant === 'instrumentation-grpc') {
      const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
      instrumentModules(provider, () => [new GrpcInstrumentation({ enabled: false })]);
    }
  }
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  // As the functions run it: the library's own spans and trace util off (functions/dependencies.ts).
  process.env['FIRESTORE_ENABLE_TRACING'] = 'off';
  const firestore = new Firestore({ projectId: 'demo-grpc-bench' });
  const iteration = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const d = domain.create();
      d.on('error', reject);
      d.run(() =>
        process.nextTick(() => {
          const root = tracer?.startSpan('invocation');
          const ref = firestore.collection('grpc-bench').doc(`doc-${i % 50}`);
          context
            .with(root ? trace.setSpan(ROOT_CONTEXT, root) : ROOT_CONTEXT, async () => {
              await ref.set({ i });
              await ref.get();
            })
            .then(() => {
              root?.end();
              resolve();
            }, reject);
        }),
      );
    });
  for (let i = 0; i < WARMUP; i++) await iteration(i);
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await iteration(i);
  const used = process.cpuUsage(before);
  await provider?.forceFlush();
  await firestore.terminate();
  const timings: GrpcCallTimings = {
    variant,
    cpuMsPerIteration: (used.user + used.system) / 1000 / iterations,
    spansPerIteration: exported / (WARMUP + iterations),
  };
  console.log(JSON.stringify(timings));
}

if (require.main === module) {
  const variant = oneOf(process.argv[2], GRPC_VARIANTS, 'variant');
  runWorkerMain(() => main(variant, Number(process.argv[3] ?? 300)));
}
