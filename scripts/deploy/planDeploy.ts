import type { FunctionDeployment, DeploySettings, ProductionExporter } from './functionDeployments';
import { functionDeployments } from './functionDeployments';
import type { Arg, Argv, GcloudStep } from './gcloudStep';
import { arg, valueRef } from './gcloudStep';
import { sweeperSteps } from './sweeperSteps';

export interface DeployPlanInput extends DeploySettings {
  readonly allowUnauthenticated: boolean;
}

/** Resources of one deployed function (gcloud functions deploy flags). */
export interface FunctionSizing {
  readonly memory: string;
  readonly cpu: string;
  readonly timeout: string;
  readonly concurrency: number;
  readonly maxInstances: number;
}

export const FUNCTION_SIZING: Readonly<Record<FunctionDeployment['entryPoint'], FunctionSizing>> = {
  // I/O-bound (two round trips and a flush per order), so one instance serves many requests
  // at once, and concurrent invocations share one flush. Concurrency > 1 needs a whole CPU.
  // 512 MiB leaves room over the ~150 MB the gRPC clients and the SDK take.
  createOrder: { memory: '512Mi', cpu: '1', timeout: '60s', concurrency: 80, maxInstances: 10 },
  // Pushed messages arrive in bursts after a backlog; fewer per instance keeps each one's
  // Firestore latency (and so its ack) short. 60 s covers the 10 s dependency bound,
  // the flush and retries inside the client.
  processOrder: { memory: '512Mi', cpu: '1', timeout: '60s', concurrency: 20, maxInstances: 10 },
  // One pass a minute, one at a time: passes never run side by side on two instances.
  // 300 s matches the scheduler job's attempt deadline.
  sweepOrders: { memory: '512Mi', cpu: '1', timeout: '300s', concurrency: 1, maxInstances: 1 },
};

/** Eventarc's subscription hands a message to the dead-letter topic after this many failed pushes. */
export const MAX_DELIVERY_ATTEMPTS = 5;

/** The APIs a deploy needs; the trace API depends on the exporter. */
export function requiredApis(exporter: ProductionExporter): readonly string[] {
  return [
    'cloudfunctions.googleapis.com',
    'run.googleapis.com',
    'cloudbuild.googleapis.com',
    'artifactregistry.googleapis.com',
    'eventarc.googleapis.com',
    'pubsub.googleapis.com',
    'firestore.googleapis.com',
    // Trace Explorer reads from Cloud Trace whichever way the spans arrive.
    'cloudtrace.googleapis.com',
    ...(exporter === 'gcp_otlp' ? ['telemetry.googleapis.com'] : []),
    'iam.googleapis.com',
    'cloudscheduler.googleapis.com',
  ];
}

/** The role that lets a function write spans with the chosen exporter. */
export function traceRole(exporter: ProductionExporter): string {
  return exporter === 'gcp_otlp' ? 'roles/telemetry.tracesWriter' : 'roles/cloudtrace.agent';
}

/** Names the deploy creates, derived from the settings. */
export function deployNames(settings: Pick<DeploySettings, 'project' | 'ordersTopic'>) {
  const account = (fn: string) => `${fn}-fn`;
  return {
    deadLetterTopic: `${settings.ordersTopic}-dead-letter`,
    // Dead letters wait here for the recovery sweeper, which drains it every minute.
    deadLetterSubscription: `${settings.ordersTopic}-dead-letter-sub`,
    accountId: account,
    accountEmail: (fn: string) => `${account(fn)}@${settings.project}.iam.gserviceaccount.com`,
  };
}

const PROJECT_NUMBER = valueRef('PROJECT_NUMBER');
const TRIGGER = valueRef('TRIGGER');
const SUBSCRIPTION = valueRef('SUBSCRIPTION');
const TRIGGER_ARG: Arg = arg`${TRIGGER}`;
const SUBSCRIPTION_ARG: Arg = arg`${SUBSCRIPTION}`;

/** Grants can fail for a few seconds after a service account is created (IAM is eventually consistent). */
export const FRESH_ACCOUNT_ATTEMPTS = 4;

/**
 * The deploy as an ordered list of gcloud steps. Pure: the same input gives the same
 * plan, which the dry run prints and the runner executes. Every step is safe to repeat:
 * creates are guarded by a describe, everything else (enable, bind, deploy, update) is
 * idempotent in gcloud itself.
 */
export function planDeploy(input: DeployPlanInput): readonly GcloudStep[] {
  const { project, region, ordersTopic, exporter } = input;
  const names = deployNames(input);
  const [createOrder, processOrder, sweepOrders] = byEntryPoint(functionDeployments(input));
  const p = `--project=${project}`;
  const member = (fn: FunctionDeployment) => `--member=serviceAccount:${names.accountEmail(fn.name)}`;
  const pubsubAgent = arg`--member=serviceAccount:service-${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
  const projectRole = (fn: FunctionDeployment, role: string, why: string): GcloudStep => ({
    kind: 'run',
    title: `${fn.name}: ${role} on the project (${why})`,
    argv: ['gcloud', 'projects', 'add-iam-policy-binding', project, member(fn), `--role=${role}`, '--condition=None', '--format=none'],
    attempts: FRESH_ACCOUNT_ATTEMPTS,
  });

  return [
    {
      kind: 'capture',
      name: 'PROJECT_NUMBER',
      title: 'Project number (names the Pub/Sub service agent; fails early without access)',
      argv: ['gcloud', 'projects', 'describe', project, '--format=value(projectNumber)'],
    },
    { kind: 'run', title: 'Enable the APIs', argv: ['gcloud', 'services', 'enable', ...requiredApis(exporter), p] },
    {
      kind: 'require',
      title: 'Firestore database (default) exists',
      check: ['gcloud', 'firestore', 'databases', 'describe', '--database=(default)', p],
      hint:
        `No Firestore database "(default)" in ${project}. Create it once, in Native mode (its location cannot be changed later; pick one near ${region}), then deploy again:\n` +
        `  gcloud firestore databases create --database='(default)' --location=${region} --type=firestore-native --project=${project}`,
    },
    ensure(`Topic ${ordersTopic}`, ['pubsub', 'topics'], ordersTopic, [], p),
    ensure(`Dead-letter topic ${names.deadLetterTopic}`, ['pubsub', 'topics'], names.deadLetterTopic, [], p),
    ensure(
      `Subscription ${names.deadLetterSubscription}: dead letters, drained by the recovery sweeper`,
      ['pubsub', 'subscriptions'],
      names.deadLetterSubscription,
      // Kept a week, and never expires for lack of readers (the default is 31 days idle);
      // 60 s to ack what a pass pulled.
      [`--topic=${names.deadLetterTopic}`, '--message-retention-duration=7d', '--expiration-period=never', '--ack-deadline=60'],
      p,
    ),
    ...[createOrder, processOrder, sweepOrders].map((fn) => ({
      kind: 'ensure' as const,
      title: `Service account of ${fn.name}`,
      check: ['gcloud', 'iam', 'service-accounts', 'describe', names.accountEmail(fn.name), p],
      create: ['gcloud', 'iam', 'service-accounts', 'create', names.accountId(fn.name), `--display-name=${fn.entryPoint} function`, p],
    })),
    projectRole(createOrder, 'roles/datastore.user', 'create orders in Firestore'),
    projectRole(createOrder, traceRole(exporter), 'write spans'),
    {
      kind: 'run',
      title: `${createOrder.name}: roles/pubsub.publisher on topic ${ordersTopic} only`,
      argv: ['gcloud', 'pubsub', 'topics', 'add-iam-policy-binding', ordersTopic, member(createOrder), '--role=roles/pubsub.publisher', p, '--format=none'],
      attempts: FRESH_ACCOUNT_ATTEMPTS,
    },
    projectRole(processOrder, 'roles/datastore.user', 'mark orders processed'),
    projectRole(processOrder, traceRole(exporter), 'write spans'),
    projectRole(sweepOrders, 'roles/datastore.user', 'find and mark orders to recover'),
    projectRole(sweepOrders, traceRole(exporter), 'write spans'),
    {
      kind: 'run',
      // Granted automatically only in projects whose Pub/Sub service agent was made after
      // 2021-04-08; on this one account, so the agent can sign no one else's tokens.
      title: `Pub/Sub service agent: roles/iam.serviceAccountTokenCreator on ${processOrder.name}'s account (signs the pushes' OIDC tokens)`,
      argv: [
        'gcloud',
        'iam',
        'service-accounts',
        'add-iam-policy-binding',
        names.accountEmail(processOrder.name),
        pubsubAgent,
        '--role=roles/iam.serviceAccountTokenCreator',
        p,
        '--format=none',
      ],
      attempts: FRESH_ACCOUNT_ATTEMPTS,
    },
    { kind: 'run', title: `Deploy ${createOrder.name} (HTTP)`, argv: deployArgv(createOrder, input) },
    { kind: 'run', title: `Deploy ${processOrder.name} (Pub/Sub trigger on ${ordersTopic})`, argv: deployArgv(processOrder, input) },
    {
      kind: 'run',
      // On the function's own Cloud Run service, not the project: the trigger may invoke this function only.
      title: `${processOrder.name}: roles/run.invoker on itself, so its Eventarc trigger (same account) can push to it`,
      argv: ['gcloud', 'functions', 'add-invoker-policy-binding', processOrder.name, `--region=${region}`, member(processOrder), p, '--format=none'],
    },
    {
      kind: 'capture',
      name: 'TRIGGER',
      title: `Eventarc trigger of ${processOrder.name}`,
      argv: ['gcloud', 'functions', 'describe', processOrder.name, `--region=${region}`, p, '--format=value(eventTrigger.trigger.basename())'],
    },
    {
      kind: 'capture',
      name: 'SUBSCRIPTION',
      title: 'Pub/Sub subscription Eventarc made for that trigger',
      argv: ['gcloud', 'eventarc', 'triggers', 'describe', TRIGGER_ARG, `--location=${region}`, p, '--format=value(transport.pubsub.subscription.basename())'],
    },
    {
      kind: 'run',
      title: `Pub/Sub service agent: roles/pubsub.publisher on ${names.deadLetterTopic} (to forward dead letters)`,
      argv: ['gcloud', 'pubsub', 'topics', 'add-iam-policy-binding', names.deadLetterTopic, pubsubAgent, '--role=roles/pubsub.publisher', p, '--format=none'],
    },
    {
      kind: 'run',
      title: "Pub/Sub service agent: roles/pubsub.subscriber on the trigger's subscription (to ack what it forwards)",
      argv: ['gcloud', 'pubsub', 'subscriptions', 'add-iam-policy-binding', SUBSCRIPTION_ARG, pubsubAgent, '--role=roles/pubsub.subscriber', p, '--format=none'],
    },
    {
      kind: 'run',
      title: `Dead-letter policy: after ${MAX_DELIVERY_ATTEMPTS} failed deliveries to ${processOrder.name}, to ${names.deadLetterTopic}`,
      argv: [
        'gcloud',
        'pubsub',
        'subscriptions',
        'update',
        SUBSCRIPTION_ARG,
        `--dead-letter-topic=${names.deadLetterTopic}`,
        `--max-delivery-attempts=${MAX_DELIVERY_ATTEMPTS}`,
        p,
      ],
    },
    ...sweeperSteps({
      project,
      region,
      ordersTopic,
      functionName: sweepOrders.name,
      functionAccountEmail: names.accountEmail(sweepOrders.name),
      deadLetterSubscription: names.deadLetterSubscription,
      deployArgv: deployArgv(sweepOrders, input),
    }),
    {
      kind: 'capture',
      name: 'CREATE_ORDER_URL',
      title: `URL of ${createOrder.name}`,
      argv: ['gcloud', 'functions', 'describe', createOrder.name, `--region=${region}`, p, '--format=value(url)'],
    },
  ];
}

function ensure(title: string, group: readonly string[], name: string, createFlags: readonly string[], projectFlag: string): GcloudStep {
  return {
    kind: 'ensure',
    title,
    check: ['gcloud', ...group, 'describe', name, projectFlag],
    create: ['gcloud', ...group, 'create', name, ...createFlags, projectFlag],
  };
}

function byEntryPoint(deployments: readonly FunctionDeployment[]): [FunctionDeployment, FunctionDeployment, FunctionDeployment] {
  const find = (entryPoint: FunctionDeployment['entryPoint']) => {
    const found = deployments.find((d) => d.entryPoint === entryPoint);
    if (!found) throw new Error(`deploy plan: functionDeployments() has no ${entryPoint}`);
    return found;
  };
  return [find('createOrder'), find('processOrder'), find('sweepOrders')];
}

function deployArgv(fn: FunctionDeployment, input: DeployPlanInput): Argv {
  const names = deployNames(input);
  const size = FUNCTION_SIZING[fn.entryPoint];
  const trigger =
    fn.entryPoint === 'createOrder'
      ? ['--trigger-http', input.allowUnauthenticated ? '--allow-unauthenticated' : '--no-allow-unauthenticated']
      : fn.entryPoint === 'sweepOrders'
        ? // Private whatever --allow-unauthenticated says: only the scheduler's account may call it.
          ['--trigger-http', '--no-allow-unauthenticated']
        : [
          `--trigger-topic=${input.ordersTopic}`,
          // Throwing from processOrder means "retry"; without --retry the message would be dropped.
          '--retry',
          `--trigger-service-account=${names.accountEmail(fn.name)}`,
        ];
  return [
    'gcloud',
    'functions',
    'deploy',
    fn.name,
    '--gen2',
    '--runtime=nodejs22',
    `--region=${input.region}`,
    '--source=.',
    `--entry-point=${fn.entryPoint}`,
    ...trigger,
    `--service-account=${names.accountEmail(fn.name)}`,
    `--set-env-vars=${envVarsFlag(fn.env)}`,
    `--memory=${size.memory}`,
    `--cpu=${size.cpu}`,
    `--timeout=${size.timeout}`,
    `--concurrency=${size.concurrency}`,
    `--max-instances=${size.maxInstances}`,
    `--project=${input.project}`,
    '--quiet',
  ];
}

function envVarsFlag(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([key, value]) => {
      // gcloud splits the list on commas; none of our values has one, and one would be a bug.
      if (value.includes(',')) throw new Error(`deploy plan: ${key}="${value}" contains a comma`);
      return `${key}=${value}`;
    })
    .join(',');
}
