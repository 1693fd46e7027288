import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionDeployments } from '../../../scripts/deploy/functionDeployments';
import type { Argv, GcloudStep } from '../../../scripts/deploy/gcloudStep';
import { refsOf, stepCommands } from '../../../scripts/deploy/gcloudStep';
import { parseDeployOptions } from '../../../scripts/deploy/parseDeployOptions';
import { planDeploy } from '../../../scripts/deploy/planDeploy';

const REQUIRED = ['--project', 'my-orders-123', '--region', 'europe-west1'];
const plan = (...flags: string[]) => planDeploy(parseDeployOptions([...REQUIRED, ...flags]));
const CREATE_SA = 'create-order-fn@my-orders-123.iam.gserviceaccount.com';
const PROCESS_SA = 'process-order-fn@my-orders-123.iam.gserviceaccount.com';
const SWEEP_SA = 'sweep-orders-fn@my-orders-123.iam.gserviceaccount.com';
const SCHEDULER_SA = 'sweep-scheduler@my-orders-123.iam.gserviceaccount.com';
const PUBSUB_AGENT = 'service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com';

/** An argv as plain strings, captured values written `$NAME`. */
function flat(argv: Argv): string[] {
  return argv.map((a) => (typeof a === 'string' ? a : a.parts.map((p) => (typeof p === 'string' ? p : `$${p.ref}`)).join('')));
}
/** The words before the flags: `pubsub topics create orders`. */
function words(argv: Argv): string {
  return flat(argv)
    .slice(1)
    .filter((a) => !a.startsWith('--'))
    .join(' ');
}
function deployOf(steps: readonly GcloudStep[], name: string): string[] {
  const step = steps.find((s) => s.kind === 'run' && words(s.argv) === `functions deploy ${name}`);
  assert.ok(step && step.kind === 'run', `no deploy of ${name}`);
  return flat(step.argv);
}
function envOf(deployArgv: readonly string[]): Record<string, string> {
  const flag = deployArgv.find((a) => a.startsWith('--set-env-vars='));
  assert.ok(flag);
  return Object.fromEntries(flag.slice('--set-env-vars='.length).split(',').map((kv) => kv.split('=') as [string, string]));
}
/** Every grant in the plan as "member role resource". */
function grants(steps: readonly GcloudStep[]): string[] {
  return steps.flatMap((s) => {
    if (s.kind !== 'run') return [];
    const argv = flat(s.argv);
    const member = argv.find((a) => a.startsWith('--member='))?.slice('--member=serviceAccount:'.length);
    if (!member) return [];
    const role = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'roles/run.invoker';
    return [`${member} ${role} ${words(s.argv).replace(/ add-(iam|invoker)-policy-binding/, '')}`];
  });
}

test('the steps, in order: what each does and what it acts on', () => {
  assert.deepEqual(
    plan().map((s) => `${s.kind}: ${stepCommands(s).map(words).join(' || ')}`),
    [
      'capture: projects describe my-orders-123',
      'run: services enable cloudfunctions.googleapis.com run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com pubsub.googleapis.com firestore.googleapis.com cloudtrace.googleapis.com telemetry.googleapis.com iam.googleapis.com cloudscheduler.googleapis.com',
      'require: firestore databases describe',
      'ensure: pubsub topics describe orders || pubsub topics create orders',
      'ensure: pubsub topics describe orders-dead-letter || pubsub topics create orders-dead-letter',
      'ensure: pubsub subscriptions describe orders-dead-letter-sub || pubsub subscriptions create orders-dead-letter-sub',
      `ensure: iam service-accounts describe ${CREATE_SA} || iam service-accounts create create-order-fn`,
      `ensure: iam service-accounts describe ${PROCESS_SA} || iam service-accounts create process-order-fn`,
      `ensure: iam service-accounts describe ${SWEEP_SA} || iam service-accounts create sweep-orders-fn`,
      'run: projects add-iam-policy-binding my-orders-123',
      'run: projects add-iam-policy-binding my-orders-123',
      'run: pubsub topics add-iam-policy-binding orders',
      'run: projects add-iam-policy-binding my-orders-123',
      'run: projects add-iam-policy-binding my-orders-123',
      'run: projects add-iam-policy-binding my-orders-123',
      'run: projects add-iam-policy-binding my-orders-123',
      `run: iam service-accounts add-iam-policy-binding ${PROCESS_SA}`,
      'run: functions deploy create-order',
      'run: functions deploy process-order',
      'run: functions add-invoker-policy-binding process-order',
      'capture: functions describe process-order',
      'capture: eventarc triggers describe $TRIGGER',
      'run: pubsub topics add-iam-policy-binding orders-dead-letter',
      'run: pubsub subscriptions add-iam-policy-binding $SUBSCRIPTION',
      'run: pubsub subscriptions update $SUBSCRIPTION',
      'ensure: firestore indexes composite list || firestore indexes composite create',
      'ensure: firestore indexes composite list || firestore indexes composite create',
      'run: pubsub topics add-iam-policy-binding orders',
      'run: pubsub subscriptions add-iam-policy-binding orders-dead-letter-sub',
      'run: functions deploy sweep-orders',
      `ensure: iam service-accounts describe ${SCHEDULER_SA} || iam service-accounts create sweep-scheduler`,
      'run: functions add-invoker-policy-binding sweep-orders',
      'capture: functions describe sweep-orders',
      'ensure: scheduler jobs describe sweep-orders || scheduler jobs create http sweep-orders',
      'capture: functions describe create-order',
    ],
  );
});

test('createOrder is deployed with exactly these flags', () => {
  assert.deepEqual(deployOf(plan(), 'create-order'), [
    'gcloud', 'functions', 'deploy', 'create-order',
    '--gen2', '--runtime=nodejs22', '--region=europe-west1', '--source=.', '--entry-point=createOrder',
    '--trigger-http', '--no-allow-unauthenticated',
    `--service-account=${CREATE_SA}`,
    '--set-env-vars=GOOGLE_CLOUD_PROJECT=my-orders-123,ORDERS_TOPIC=orders,OTEL_TRACES_EXPORTER=gcp_otlp,OTEL_TRACES_SAMPLER_ARG=1,FLUSH_TIMEOUT_MS=3000',
    '--memory=512Mi', '--cpu=1', '--timeout=60s', '--concurrency=80', '--max-instances=10',
    '--project=my-orders-123', '--quiet',
  ]); // prettier-ignore
});

test('processOrder is deployed on the topic, retried on failure, invoked as its own account', () => {
  assert.deepEqual(deployOf(plan(), 'process-order'), [
    'gcloud', 'functions', 'deploy', 'process-order',
    '--gen2', '--runtime=nodejs22', '--region=europe-west1', '--source=.', '--entry-point=processOrder',
    '--trigger-topic=orders', '--retry', `--trigger-service-account=${PROCESS_SA}`,
    `--service-account=${PROCESS_SA}`,
    '--set-env-vars=GOOGLE_CLOUD_PROJECT=my-orders-123,ORDERS_TOPIC=orders,OTEL_TRACES_EXPORTER=gcp_otlp,OTEL_TRACES_SAMPLER_ARG=1,FLUSH_TIMEOUT_MS=3000',
    '--memory=512Mi', '--cpu=1', '--timeout=60s', '--concurrency=20', '--max-instances=10',
    '--project=my-orders-123', '--quiet',
  ]); // prettier-ignore
});

const flagCases: {
  name: string;
  flags: string[];
  createOrder: string[];
  notInCreateOrder: string[];
  env: Record<string, string>;
  traceRole: string;
  apis: { in: string[]; out: string[] };
}[] = [
  {
    name: 'defaults',
    flags: [],
    createOrder: ['--no-allow-unauthenticated'],
    notInCreateOrder: ['--allow-unauthenticated'],
    // No OTEL_TRACES_SAMPLER: the library's default sampler records every order.
    env: { OTEL_TRACES_EXPORTER: 'gcp_otlp', OTEL_TRACES_SAMPLER_ARG: '1', ORDERS_TOPIC: 'orders' },
    traceRole: 'roles/telemetry.tracesWriter',
    apis: { in: ['telemetry.googleapis.com', 'cloudtrace.googleapis.com'], out: [] },
  },
  {
    name: '--allow-unauthenticated',
    flags: ['--allow-unauthenticated'],
    createOrder: ['--allow-unauthenticated'],
    notInCreateOrder: ['--no-allow-unauthenticated'],
    env: { OTEL_TRACES_EXPORTER: 'gcp_otlp' },
    traceRole: 'roles/telemetry.tracesWriter',
    apis: { in: [], out: [] },
  },
  {
    name: '--exporter gcp (the Cloud Trace exporter)',
    flags: ['--exporter', 'gcp'],
    createOrder: ['--no-allow-unauthenticated'],
    notInCreateOrder: [],
    env: { OTEL_TRACES_EXPORTER: 'gcp' },
    traceRole: 'roles/cloudtrace.agent',
    apis: { in: ['cloudtrace.googleapis.com'], out: ['telemetry.googleapis.com'] },
  },
  {
    name: '--sample-ratio 0.05',
    flags: ['--sample-ratio', '0.05'],
    createOrder: [],
    notInCreateOrder: [],
    env: { OTEL_TRACES_SAMPLER_ARG: '0.05' },
    traceRole: 'roles/telemetry.tracesWriter',
    apis: { in: [], out: [] },
  },
  {
    name: '--topic orders-v2',
    flags: ['--topic', 'orders-v2'],
    createOrder: [],
    notInCreateOrder: [],
    env: { ORDERS_TOPIC: 'orders-v2' },
    traceRole: 'roles/telemetry.tracesWriter',
    apis: { in: [], out: [] },
  },
];
for (const c of flagCases) {
  test(`flags → commands: ${c.name}`, () => {
    const steps = plan(...c.flags);
    const createOrder = deployOf(steps, 'create-order');
    for (const flag of c.createOrder) assert.ok(createOrder.includes(flag), flag);
    for (const flag of c.notInCreateOrder) assert.ok(!createOrder.includes(flag), flag);
    // The Pub/Sub function is never public, whatever the flags.
    const processOrder = deployOf(steps, 'process-order');
    assert.ok(!processOrder.some((a) => a.includes('allow-unauthenticated')));
    for (const argv of [createOrder, processOrder]) {
      const env = envOf(argv);
      for (const [key, value] of Object.entries(c.env)) assert.equal(env[key], value, key);
      assert.equal(env.OTEL_TRACES_SAMPLER, undefined, 'the library chooses the sampler');
    }
    const trace = grants(steps).filter((g) => /trace/i.test(g.split(' ')[1]!));
    assert.deepEqual(trace, [
      `${CREATE_SA} ${c.traceRole} projects my-orders-123`,
      `${PROCESS_SA} ${c.traceRole} projects my-orders-123`,
      `${SWEEP_SA} ${c.traceRole} projects my-orders-123`,
    ]);
    // The sweeper is private whatever the flags.
    const sweepOrders = deployOf(steps, 'sweep-orders');
    assert.ok(sweepOrders.includes('--no-allow-unauthenticated') && !sweepOrders.includes('--allow-unauthenticated'));
    const enable = steps.find((s) => s.kind === 'run' && words(s.argv).startsWith('services enable'));
    assert.ok(enable && enable.kind === 'run');
    for (const api of c.apis.in) assert.ok(flat(enable.argv).includes(api), api);
    for (const api of c.apis.out) assert.ok(!flat(enable.argv).includes(api), api);
  });
}

test('each service account gets only the roles its function needs, on the narrowest resource', () => {
  assert.deepEqual(grants(plan('--topic', 'orders-v2')).sort(), [
    `${CREATE_SA} roles/datastore.user projects my-orders-123`,
    `${CREATE_SA} roles/pubsub.publisher pubsub topics orders-v2`,
    `${CREATE_SA} roles/telemetry.tracesWriter projects my-orders-123`,
    `${PROCESS_SA} roles/datastore.user projects my-orders-123`,
    `${PROCESS_SA} roles/run.invoker functions process-order`,
    `${PROCESS_SA} roles/telemetry.tracesWriter projects my-orders-123`,
    `${PUBSUB_AGENT} roles/iam.serviceAccountTokenCreator iam service-accounts ${PROCESS_SA}`,
    `${PUBSUB_AGENT} roles/pubsub.publisher pubsub topics orders-v2-dead-letter`,
    `${PUBSUB_AGENT} roles/pubsub.subscriber pubsub subscriptions $SUBSCRIPTION`,
    `${SWEEP_SA} roles/datastore.user projects my-orders-123`,
    `${SWEEP_SA} roles/pubsub.publisher pubsub topics orders-v2`,
    `${SWEEP_SA} roles/pubsub.subscriber pubsub subscriptions orders-v2-dead-letter-sub`,
    `${SWEEP_SA} roles/telemetry.tracesWriter projects my-orders-123`,
    `${SCHEDULER_SA} roles/run.invoker functions sweep-orders`,
  ]);
});

test('dead letters: Eventarc subscription gets the policy, the dead-letter topic keeps them in a never-expiring subscription the sweeper drains', () => {
  const steps = plan('--topic', 'orders-v2');
  const update = steps.find((s) => s.kind === 'run' && words(s.argv) === 'pubsub subscriptions update $SUBSCRIPTION');
  assert.ok(update && update.kind === 'run');
  assert.deepEqual(flat(update.argv).filter((a) => a.startsWith('--')), ['--dead-letter-topic=orders-v2-dead-letter', '--max-delivery-attempts=5', '--project=my-orders-123']);
  const keep = steps.find((s) => s.kind === 'ensure' && words(s.create).startsWith('pubsub subscriptions create'));
  assert.ok(keep && keep.kind === 'ensure');
  assert.deepEqual(flat(keep.create), [
    'gcloud', 'pubsub', 'subscriptions', 'create', 'orders-v2-dead-letter-sub',
    '--topic=orders-v2-dead-letter', '--message-retention-duration=7d', '--expiration-period=never', '--ack-deadline=60', '--project=my-orders-123',
  ]); // prettier-ignore
  const trigger = steps.find((s) => s.kind === 'capture' && s.name === 'TRIGGER');
  const subscription = steps.find((s) => s.kind === 'capture' && s.name === 'SUBSCRIPTION');
  assert.ok(trigger?.kind === 'capture' && subscription?.kind === 'capture');
  assert.ok(flat(trigger.argv).includes('--format=value(eventTrigger.trigger.basename())'));
  assert.deepEqual(flat(subscription.argv).slice(0, 6), ['gcloud', 'eventarc', 'triggers', 'describe', '$TRIGGER', '--location=europe-west1']);
});

test('every captured value is captured before a step uses it, and only once', () => {
  for (const flags of [[], ['--exporter', 'gcp_otlp', '--allow-unauthenticated']]) {
    const captured = new Set<string>();
    for (const step of plan(...flags)) {
      for (const argv of stepCommands(step)) for (const ref of refsOf(argv)) assert.ok(captured.has(ref), `$${ref} used by "${step.title}" before it is captured`);
      if (step.kind === 'capture') {
        assert.ok(!captured.has(step.name), step.name);
        captured.add(step.name);
      }
    }
    assert.deepEqual([...captured], ['PROJECT_NUMBER', 'TRIGGER', 'SUBSCRIPTION', 'SWEEP_URL', 'CREATE_ORDER_URL']);
  }
});

test('every command is gcloud, names the project, and every guarded create is checked by a describe of the same resource', () => {
  for (const step of plan()) {
    for (const argv of stepCommands(step)) {
      const args = flat(argv);
      assert.equal(args[0], 'gcloud');
      // Never the gcloud config's project: `--project`, or the project itself as the resource.
      assert.ok(args.includes('--project=my-orders-123') || (args[1] === 'projects' && args[3] === 'my-orders-123'), args.join(' '));
    }
    // A service account is described by its e-mail and created by its id; a scheduler job
    // is created by type (`create http`); an index is found by a filtered list.
    if (step.kind === 'ensure') {
      const checked = words(step.check).replace(/ (describe|list)( |$)/, '$2').replace(/@.*/, '');
      const created = words(step.create).replace(/ create( http)?( |$)/, '$2').replace(/@.*/, '');
      assert.equal(step.existsWhen === 'prints' ? `${checked} list` : checked, step.existsWhen === 'prints' ? `${created} list` : created);
    }
  }
});

test('the deploys carry exactly the environment functionDeployments describes', () => {
  const options = parseDeployOptions([...REQUIRED, '--exporter', 'gcp_otlp', '--sample-ratio', '0.5']);
  const steps = planDeploy(options);
  for (const fn of functionDeployments(options)) assert.deepEqual(envOf(deployOf(steps, fn.name)), { ...fn.env });
});

test('the plan is pure: same input, same steps', () => {
  assert.deepEqual(plan('--exporter', 'gcp_otlp'), plan('--exporter', 'gcp_otlp'));
});

test('--instance-based-billing: each function deploy is followed by CPU always allocated on its Cloud Run service, and exports in the background', () => {
  const steps = plan('--instance-based-billing');
  const order = steps.filter((s) => s.kind === 'run').map((s) => words(s.argv));
  for (const name of ['create-order', 'process-order']) {
    const at = order.indexOf(`functions deploy ${name}`);
    assert.equal(order[at + 1], `run services update ${name}`, `${name}: CPU allocation right after its deploy`);
    const update = steps.find((s) => s.kind === 'run' && words(s.argv) === `run services update ${name}`);
    assert.ok(update && update.kind === 'run');
    assert.deepEqual(flat(update.argv).slice(5), ['--region=europe-west1', '--no-cpu-throttling', '--project=my-orders-123', '--quiet']);
    assert.equal(envOf(deployOf(steps, name)).FLUSH_MODE, 'background');
    assert.equal(deployOf(steps, name).includes('--cpu=1'), true, 'CPU always allocated needs a whole CPU');
  }
  // The once-a-minute sweeper stays request-billed, so it keeps flushing before it answers.
  assert.equal(envOf(deployOf(steps, 'sweep-orders')).FLUSH_MODE, undefined);
  assert.equal(order.includes('run services update sweep-orders'), false);
});

test('request-based billing (the default): no CPU allocation step, no FLUSH_MODE (the function flushes before answering)', () => {
  const steps = plan();
  assert.equal(steps.some((s) => s.kind === 'run' && words(s.argv).startsWith('run services update')), false);
  for (const name of ['create-order', 'process-order']) assert.equal(envOf(deployOf(steps, name)).FLUSH_MODE, undefined);
});

test('the sweeper: indexes, then its function, then the scheduler job that calls it (private, OIDC of its own account)', () => {
  const steps = plan();
  const at = (text: string) => steps.findIndex((s) => stepCommands(s).some((argv) => words(argv).startsWith(text)));
  const order = [
    'pubsub subscriptions create orders-dead-letter-sub',
    'firestore indexes composite create',
    'functions deploy sweep-orders',
    'functions add-invoker-policy-binding sweep-orders',
    'scheduler jobs create http sweep-orders',
  ].map(at);
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `out of order: ${order.join(', ')}`);

  const indexes = steps.filter((s) => s.kind === 'ensure' && words(s.create).startsWith('firestore indexes composite create'));
  assert.deepEqual(
    indexes.map((s) => (s.kind === 'ensure' ? flat(s.create).filter((a) => a.startsWith('--field-config=') || a.startsWith('--collection-group=')) : [])),
    [
      ['--collection-group=orders', '--field-config=field-path=published,order=ascending', '--field-config=field-path=createdAt,order=ascending'],
      ['--collection-group=orders', '--field-config=field-path=status,order=ascending', '--field-config=field-path=publishedAt,order=ascending'],
    ],
  );
  for (const index of indexes) assert.ok(index.kind === 'ensure' && index.existsWhen === 'prints');

  assert.deepEqual(deployOf(steps, 'sweep-orders'), [
    'gcloud', 'functions', 'deploy', 'sweep-orders',
    '--gen2', '--runtime=nodejs22', '--region=europe-west1', '--source=.', '--entry-point=sweepOrders',
    '--trigger-http', '--no-allow-unauthenticated',
    `--service-account=${SWEEP_SA}`,
    '--set-env-vars=GOOGLE_CLOUD_PROJECT=my-orders-123,ORDERS_TOPIC=orders,OTEL_TRACES_EXPORTER=gcp_otlp,OTEL_TRACES_SAMPLER_ARG=1,FLUSH_TIMEOUT_MS=3000',
    '--memory=512Mi', '--cpu=1', '--timeout=300s', '--concurrency=1', '--max-instances=1',
    '--project=my-orders-123', '--quiet',
  ]); // prettier-ignore

  const job = steps.find((s) => s.kind === 'ensure' && words(s.create).startsWith('scheduler jobs create http'));
  assert.ok(job && job.kind === 'ensure');
  assert.deepEqual(flat(job.check), ['gcloud', 'scheduler', 'jobs', 'describe', 'sweep-orders', '--location=europe-west1', '--project=my-orders-123']);
  assert.deepEqual(flat(job.create), [
    'gcloud', 'scheduler', 'jobs', 'create', 'http', 'sweep-orders',
    '--location=europe-west1', '--schedule=* * * * *', '--time-zone=Etc/UTC', '--uri=$SWEEP_URL', '--http-method=POST',
    `--oidc-service-account-email=${SCHEDULER_SA}`, '--oidc-token-audience=$SWEEP_URL',
    '--attempt-deadline=300s', '--max-retry-attempts=0',
    '--description=Recovery sweep of the order pipeline (docs/recovery.md)', '--project=my-orders-123',
  ]); // prettier-ignore
});
