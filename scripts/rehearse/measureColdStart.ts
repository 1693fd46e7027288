import { orderBody } from '../load/sendOrder';
import { timestampFromMs } from '../pubsubEmulator/protoTime';
import { pushRequest } from '../pubsubEmulator/pushRequest';
import { timeToFirstAnswer } from '../bench/timeToFirstAnswer';

export interface ColdStartSpec {
  readonly target: 'createOrder' | 'processOrder';
  /** The installed upload: functions-framework loads package.json's main from here. */
  readonly dir: string;
  readonly functionsFrameworkMain: string;
  readonly env: NodeJS.ProcessEnv;
  /** For processOrder: an order that exists, so the event is a harmless redelivery. */
  readonly orderId: string;
  readonly projectId: string;
  readonly topic: string;
  readonly timeoutMs: number;
}

/**
 * Spawn → first 2xx answer of one fresh function process started from the installed
 * upload, the same measure as `npm run bench -- --only coldstart`: createOrder gets a
 * POSTed order, processOrder the Pub/Sub CloudEvent of an order already processed (a
 * redelivery, which changes nothing). The process is stopped afterwards.
 */
export async function measureColdStart(spec: ColdStartSpec, attempt: number): Promise<number> {
  const answer = await timeToFirstAnswer({
    name: spec.target,
    functionsFrameworkMain: spec.functionsFrameworkMain,
    args: [`--target=${spec.target}`, `--source=${spec.dir}`, ...(spec.target === 'processOrder' ? ['--signature-type=cloudevent'] : [])],
    env: { ...spec.env, OTEL_SERVICE_NAME: spec.target },
    cwd: spec.dir,
    request: spec.target === 'createOrder' ? orderRequest(attempt) : eventRequest(spec, attempt),
    timeoutMs: spec.timeoutMs,
  });
  return answer.ms;
}

function orderRequest(attempt: number): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: orderBody(1000 + attempt) };
}

function eventRequest(spec: ColdStartSpec, attempt: number): { headers: Record<string, string>; body: Buffer } {
  const now = Date.now();
  const { headers, body } = pushRequest(
    {
      data: Buffer.from(JSON.stringify({ orderId: spec.orderId })),
      attributes: {},
      messageId: `rehearsal-cold-start-${attempt}`,
      publishTime: timestampFromMs(now),
      publishTimeMs: now,
      orderingKey: '',
    },
    { name: `projects/${spec.projectId}/subscriptions/${spec.topic}-processOrder`, topic: `projects/${spec.projectId}/topics/${spec.topic}` },
    1,
  );
  return { headers: { ...headers }, body };
}
