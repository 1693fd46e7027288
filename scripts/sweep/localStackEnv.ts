import type { StackState } from '../stack/stackState';

/**
 * Where a sweep of the local stack finds it: the running stack's emulators and collector,
 * for each variable the environment leaves unset. The standard variables keep their
 * meaning: an OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT or *_EMULATOR_HOST that is set wins.
 * Without a running stack, nothing is added (the defaults: 127.0.0.1:8086, :8085, :4318). Pure.
 */
export function localStackEnv(env: NodeJS.ProcessEnv, stack: StackState | undefined): NodeJS.ProcessEnv {
  if (!stack) return {};
  const added: NodeJS.ProcessEnv = {};
  if (!env.FIRESTORE_EMULATOR_HOST && stack.ports.firestore !== undefined) added.FIRESTORE_EMULATOR_HOST = stack.urls.firestore;
  if (!env.PUBSUB_EMULATOR_HOST && stack.ports.pubsub !== undefined) added.PUBSUB_EMULATOR_HOST = stack.urls.pubsub;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && stack.urls.otlpHttp) added.OTEL_EXPORTER_OTLP_ENDPOINT = stack.urls.otlpHttp;
  return added;
}
