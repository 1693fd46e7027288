import type { Argv, GcloudStep } from './gcloudStep';
import { arg, valueRef } from './gcloudStep';

export interface SweeperPlanInput {
  readonly project: string;
  readonly region: string;
  readonly ordersTopic: string;
  /** The sweeper function's Cloud Run name. */
  readonly functionName: string;
  readonly functionAccountEmail: string;
  readonly deadLetterSubscription: string;
  /** The `gcloud functions deploy` of the sweeper (planDeploy builds it like the others). */
  readonly deployArgv: Argv;
}

/** Cloud Scheduler calls the sweeper this often (cron, UTC). */
export const SWEEP_SCHEDULE = '* * * * *';
/** The scheduler's own identity: it may invoke the sweeper and nothing else. */
export const SCHEDULER_ACCOUNT_ID = 'sweep-scheduler';
/** A pass over a backlog of 500 orders and 500 dead letters fits well inside this; the function's timeout matches. */
export const SWEEP_ATTEMPT_DEADLINE = '300s';

/** The composite indexes the sweeper's queries need (FirestoreOrderStore.listUnpublished / listStuck). */
export const SWEEP_INDEXES: readonly { readonly title: string; readonly fields: readonly [string, string] }[] = [
  { title: 'stored but unpublished orders', fields: ['published', 'createdAt'] },
  { title: 'published orders still received', fields: ['status', 'publishedAt'] },
];

const SWEEP_URL = valueRef('SWEEP_URL');

/** Lists the composite index on `orders` over these fields: prints it (in `format`) when it exists, else nothing. */
export function listIndexArgv(fields: readonly string[], format: string, projectFlag: string): Argv {
  const filter = ['name~/collectionGroups/orders/', 'queryScope=COLLECTION', ...fields.map((f) => `fields.fieldPath=${f}`)].join(' AND ');
  return ['gcloud', 'firestore', 'indexes', 'composite', 'list', '--database=(default)', `--filter=${filter}`, format, projectFlag];
}

/**
 * The recovery sweeper's part of the deploy, in order: its Firestore indexes (before the
 * function, whose queries fail without them), its grants (Firestore, publish to the
 * orders topic, pull from the dead-letter subscription only), the private HTTP function,
 * the scheduler's service account and its invoker grant on that function alone, and the
 * Cloud Scheduler job that POSTs to it every minute with an OIDC token of that account.
 * The function's own account and trace role come with the others in planDeploy.
 */
export function sweeperSteps(input: SweeperPlanInput): GcloudStep[] {
  const p = `--project=${input.project}`;
  const member = `--member=serviceAccount:${input.functionAccountEmail}`;
  const schedulerEmail = `${SCHEDULER_ACCOUNT_ID}@${input.project}.iam.gserviceaccount.com`;
  return [
    ...SWEEP_INDEXES.map(({ title, fields: [equality, range] }): GcloudStep => ({
      kind: 'ensure',
      existsWhen: 'prints',
      title: `Firestore composite index on orders (${equality} ASC, ${range} ASC): ${title}`,
      check: listIndexArgv([equality, range], '--format=value(name)', p),
      create: [
        'gcloud',
        'firestore',
        'indexes',
        'composite',
        'create',
        '--database=(default)',
        '--collection-group=orders',
        '--query-scope=collection',
        `--field-config=field-path=${equality},order=ascending`,
        `--field-config=field-path=${range},order=ascending`,
        p,
      ],
    })),
    {
      kind: 'run',
      title: `${input.functionName}: roles/pubsub.publisher on topic ${input.ordersTopic} only (republishes)`,
      argv: ['gcloud', 'pubsub', 'topics', 'add-iam-policy-binding', input.ordersTopic, member, '--role=roles/pubsub.publisher', p, '--format=none'],
      attempts: 4,
    },
    {
      kind: 'run',
      title: `${input.functionName}: roles/pubsub.subscriber on ${input.deadLetterSubscription} only (drains dead letters)`,
      argv: ['gcloud', 'pubsub', 'subscriptions', 'add-iam-policy-binding', input.deadLetterSubscription, member, '--role=roles/pubsub.subscriber', p, '--format=none'],
      attempts: 4,
    },
    { kind: 'run', title: `Deploy ${input.functionName} (private HTTP, called by Cloud Scheduler)`, argv: input.deployArgv },
    {
      kind: 'ensure',
      title: `Service account of the sweep schedule (${SCHEDULER_ACCOUNT_ID})`,
      check: ['gcloud', 'iam', 'service-accounts', 'describe', schedulerEmail, p],
      create: ['gcloud', 'iam', 'service-accounts', 'create', SCHEDULER_ACCOUNT_ID, '--display-name=Cloud Scheduler caller of the order sweeper', p],
    },
    {
      kind: 'run',
      // On the function's own service: this account can invoke the sweeper and nothing else.
      title: `${SCHEDULER_ACCOUNT_ID}: roles/run.invoker on ${input.functionName} only`,
      argv: ['gcloud', 'functions', 'add-invoker-policy-binding', input.functionName, `--region=${input.region}`, `--member=serviceAccount:${schedulerEmail}`, p, '--format=none'],
      attempts: 4,
    },
    {
      kind: 'capture',
      name: 'SWEEP_URL',
      title: `URL of ${input.functionName}`,
      argv: ['gcloud', 'functions', 'describe', input.functionName, `--region=${input.region}`, p, '--format=value(url)'],
    },
    {
      kind: 'ensure',
      title: `Cloud Scheduler job ${input.functionName}: POST every minute with an OIDC token of ${SCHEDULER_ACCOUNT_ID}`,
      check: ['gcloud', 'scheduler', 'jobs', 'describe', input.functionName, `--location=${input.region}`, p],
      create: [
        'gcloud',
        'scheduler',
        'jobs',
        'create',
        'http',
        input.functionName,
        `--location=${input.region}`,
        `--schedule=${SWEEP_SCHEDULE}`,
        '--time-zone=Etc/UTC',
        arg`--uri=${SWEEP_URL}`,
        '--http-method=POST',
        `--oidc-service-account-email=${schedulerEmail}`,
        arg`--oidc-token-audience=${SWEEP_URL}`,
        `--attempt-deadline=${SWEEP_ATTEMPT_DEADLINE}`,
        // The next run is a minute away; a retry would only overlap it.
        '--max-retry-attempts=0',
        '--description=Recovery sweep of the order pipeline (docs/recovery.md)',
        p,
      ],
    },
  ];
}
