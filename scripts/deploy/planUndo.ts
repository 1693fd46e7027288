import type { ProductionExporter } from './functionDeployments';
import type { Arg, Argv, GcloudStep } from './gcloudStep';
import { stepCommands } from './gcloudStep';
import type { DeployPlanInput } from './planDeploy';
import { planDeploy } from './planDeploy';
import { listIndexArgv } from './sweeperSteps';

export interface UndoPlanInput extends Omit<DeployPlanInput, 'exporter'> {
  /** Also delete the Firestore database "(default)" with every document in it (the deploy only requires it). */
  readonly deleteDatabase: boolean;
}

/** Each exporter's deploy grants its own trace role: the undo removes what any of them created. */
const EXPORTERS: readonly ProductionExporter[] = ['gcp_otlp', 'gcp'];

/**
 * Removal order: what calls or depends on a resource goes before it. The scheduler job
 * calls the sweeper; a function runs as its account and publishes to the topic (deleting
 * process-order also deletes its Eventarc trigger and the subscription Eventarc made);
 * project grants go before their accounts, or they linger as "deleted:serviceAccount:…";
 * a subscription before its topic.
 */
const ORDER = ['scheduler job', 'function', 'project grant', 'service account', 'subscription', 'topic', 'index'] as const;
type ResourceKind = (typeof ORDER)[number];

interface Removal {
  readonly kind: ResourceKind;
  /** What it is, as the dry run and the tests name it: `topic orders`, `function create-order`. */
  readonly resource: string;
  readonly step: GcloudStep;
}

/**
 * The undo of `planDeploy`: every resource the deploy's plan creates, found in the plan's
 * own commands (no second list to keep in step), removed in dependency order. Each removal
 * checks first, so a resource already gone is skipped and a second undo changes nothing.
 * What the deploy changes but does not create goes with what it belongs to (grants on a
 * topic, a subscription or an account; a function's invoker grant and CPU setting; the
 * dead-letter policy of Eventarc's subscription) or is kept on purpose (the enabled APIs,
 * the Firestore database unless `deleteDatabase`).
 */
export function planUndo(input: UndoPlanInput): GcloudStep[] {
  const removals = new Map<string, Removal & { readonly created: number }>();
  let created = 0;
  for (const exporter of EXPORTERS) {
    for (const step of planDeploy({ ...input, exporter })) {
      for (const argv of creatingCommands(step)) {
        const removal = removalOf(argv, input);
        if (removal && !removals.has(removal.resource)) removals.set(removal.resource, { ...removal, created: created++ });
      }
    }
  }
  const steps = [...removals.values()]
    // Dependency order; within a kind, the reverse of creation.
    .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || b.created - a.created)
    .map((r) => r.step);
  return input.deleteDatabase ? [...steps, databaseRemoval(input.project)] : steps;
}

/** The resources `planUndo` removes, named as `resourceCreatedBy` names them. */
export function undoResources(steps: readonly GcloudStep[]): string[] {
  return steps.flatMap((s) => (s.kind === 'remove' ? [s.resource] : []));
}

/**
 * The resource a deploy command creates (`topic orders`), or undefined for one that
 * creates nothing of its own. Throws for a command the undo does not know: a new kind of
 * resource in the deploy must get its removal here, or the deploy could not be undone.
 */
export function resourceCreatedBy(argv: Argv): { readonly kind: ResourceKind; readonly resource: string } | 'belongs to another' | undefined {
  const words = argv.filter((a): a is string => typeof a === 'string' && !a.startsWith('-'));
  const at = (verb: string) => words.indexOf(verb);
  const command = words.slice(1, 4).join(' ');
  if (command.startsWith('services enable')) return undefined; // APIs stay enabled: other things in the project may use them
  if (command.startsWith('pubsub topics create')) return { kind: 'topic', resource: `topic ${words[at('create') + 1]}` };
  if (command.startsWith('pubsub subscriptions create')) return { kind: 'subscription', resource: `subscription ${words[at('create') + 1]}` };
  if (command.startsWith('iam service-accounts create')) return { kind: 'service account', resource: `service account ${words[at('create') + 1]}` };
  if (command.startsWith('functions deploy')) return { kind: 'function', resource: `function ${words[at('deploy') + 1]}` };
  if (command.startsWith('scheduler jobs create')) return { kind: 'scheduler job', resource: `scheduler job ${words[at('http') + 1]}` };
  if (command.startsWith('firestore indexes composite')) {
    return { kind: 'index', resource: `index orders (${flagValues(argv, '--field-config').map((f) => /field-path=([^,]+)/.exec(f)?.[1]).join(', ')})` };
  }
  if (command.startsWith('projects add-iam-policy-binding')) {
    return { kind: 'project grant', resource: `project grant ${flagValues(argv, '--role')[0]} to ${flagValues(argv, '--member')[0]}` };
  }
  // A grant on a topic, subscription, account or function, a subscription's dead-letter
  // policy, a function's CPU allocation: deleted with the resource they are set on.
  if (/^(pubsub (topics|subscriptions)|iam service-accounts) add-iam-policy-binding$/.test(command)) return 'belongs to another';
  if (['functions add-invoker-policy-binding', 'pubsub subscriptions update', 'run services update'].some((c) => command.startsWith(c))) return 'belongs to another';
  throw new Error(`deploy undo: no removal known for "${words.join(' ')}"; add one to scripts/deploy/planUndo.ts`);
}

function creatingCommands(step: GcloudStep): readonly Argv[] {
  if (step.kind === 'ensure') return [step.create];
  if (step.kind === 'run') return stepCommands(step);
  return [];
}

function removalOf(argv: Argv, input: UndoPlanInput): Removal | undefined {
  const found = resourceCreatedBy(argv);
  if (found === undefined || found === 'belongs to another') return undefined;
  const p = `--project=${input.project}`;
  const region = `--region=${input.region}`;
  const name = found.resource.slice(found.kind.length + 1);
  const remove = (check: Argv, del: Argv, extra: Partial<Extract<GcloudStep, { kind: 'remove' }>> = {}): Removal => ({
    ...found,
    step: { kind: 'remove', title: `Remove ${found.resource}`, resource: found.resource, check, delete: del, ...extra },
  });
  switch (found.kind) {
    case 'scheduler job':
      return remove(['gcloud', 'scheduler', 'jobs', 'describe', name, `--location=${input.region}`, p], ['gcloud', 'scheduler', 'jobs', 'delete', name, `--location=${input.region}`, p, '--quiet']);
    case 'function':
      return remove(['gcloud', 'functions', 'describe', name, region, p], ['gcloud', 'functions', 'delete', name, region, p, '--quiet']);
    case 'topic':
      return remove(['gcloud', 'pubsub', 'topics', 'describe', name, p], ['gcloud', 'pubsub', 'topics', 'delete', name, p]);
    case 'subscription':
      return remove(['gcloud', 'pubsub', 'subscriptions', 'describe', name, p], ['gcloud', 'pubsub', 'subscriptions', 'delete', name, p]);
    case 'service account': {
      const email = `${name}@${input.project}.iam.gserviceaccount.com`;
      return remove(['gcloud', 'iam', 'service-accounts', 'describe', email, p], ['gcloud', 'iam', 'service-accounts', 'delete', email, p, '--quiet']);
    }
    case 'project grant': {
      const role = flagValues(argv, '--role')[0]!;
      const member = flagValues(argv, '--member')[0]!;
      return remove(
        [
          'gcloud',
          'projects',
          'get-iam-policy',
          input.project,
          '--flatten=bindings[].members',
          `--filter=bindings.role=${role} AND bindings.members=${member}`,
          '--format=value(bindings.role)',
        ],
        ['gcloud', 'projects', 'remove-iam-policy-binding', input.project, `--member=${member}`, `--role=${role}`, '--condition=None', '--format=none'],
        { existsWhen: 'prints' },
      );
    }
    case 'index': {
      const fields = flagValues(argv, '--field-config').map((f) => /field-path=([^,]+)/.exec(f)![1]!);
      return remove(
        listIndexArgv(fields, '--format=value(name.basename())', p),
        ['gcloud', 'firestore', 'indexes', 'composite', 'delete', { parts: [{ ref: 'INDEX' }] }, '--database=(default)', p, '--quiet'],
        { existsWhen: 'prints', captureAs: 'INDEX' },
      );
    }
  }
}

function databaseRemoval(project: string): GcloudStep {
  const p = `--project=${project}`;
  return {
    kind: 'remove',
    title: 'Remove the Firestore database (default) and every document in it (--delete-database)',
    resource: 'database (default)',
    check: ['gcloud', 'firestore', 'databases', 'describe', '--database=(default)', p],
    delete: ['gcloud', 'firestore', 'databases', 'delete', '--database=(default)', p, '--quiet'],
  };
}

function flagValues(argv: Argv, flag: string): string[] {
  return argv.filter((a: Arg): a is string => typeof a === 'string' && a.startsWith(`${flag}=`)).map((a) => a.slice(flag.length + 1));
}
