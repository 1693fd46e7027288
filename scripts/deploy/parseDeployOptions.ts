import { parseFlags } from '../cli/parseFlags';
import type { DeploySettings, ProductionExporter } from './functionDeployments';

export interface DeployOptions extends DeploySettings {
  /** createOrder answers anyone (allUsers get roles/run.invoker); default: callers need IAM. */
  readonly allowUnauthenticated: boolean;
  /** Print the commands, run nothing. */
  readonly dryRun: boolean;
  /** Remove what the deploy creates instead of deploying. */
  readonly undo: boolean;
  /** With undo: also delete the Firestore database "(default)" and its data. */
  readonly deleteDatabase: boolean;
  readonly help: boolean;
}

export class DeployOptionsError extends Error {
  override readonly name = 'DeployOptionsError';
}

export const DEPLOY_HELP = `Usage: npm run deploy -- --project PROJECT --region REGION [options]

Deploys createOrder (HTTP), processOrder (Pub/Sub) and the recovery sweeper sweep-orders
(private HTTP, called every minute by a Cloud Scheduler job with an OIDC token of its own
service account) as Cloud Run functions (2nd gen, Node.js 22) with gcloud, creating what
is missing first: APIs, the topic, a dead-letter topic and the subscription the sweeper
drains, the sweeper's Firestore indexes, one service account per function with only the
roles it needs. See docs/recovery.md.
Re-running is safe: existing resources are kept, bindings and deploys are re-applied.

Options:
  --project ID              Google Cloud project id (required)
  --region REGION           region of the functions, e.g. europe-west1 (required)
  --dry-run                 print the gcloud commands in order and run nothing
  --allow-unauthenticated   make createOrder public (default: callers need
                            roles/run.invoker, e.g. an identity token)
  --exporter gcp_otlp|gcp   trace exporter: gcp_otlp = OTLP to the Telemetry API,
                            telemetry.googleapis.com (default, what Google now
                            recommends); gcp = the Cloud Trace exporter
                            (deprecated upstream since August 2026)
  --sample-ratio R          share of traces recorded, 0..1 (default 1: every
                            order), whatever the sampled flag Google's front end
                            sets; a caller's sampled flag is always followed
  --topic NAME              Pub/Sub topic (default orders; dead letters go to
                            NAME-dead-letter)
  --instance-based-billing  CPU always allocated (Cloud Run --no-cpu-throttling,
                            1 CPU): billed for each instance's whole lifetime, and
                            spans are exported after the response (FLUSH_MODE=
                            background), which saves one exporter round trip per
                            request (default: request-based billing, flush before
                            answering; see docs/performance.md)
  --undo                    remove everything the deploy creates instead, in
                            dependency order: the scheduler job, the three
                            functions (with process-order's Eventarc trigger and
                            its subscription), the project grants, the four service
                            accounts, the dead-letter subscription, both topics, the
                            sweeper's Firestore indexes; what is already gone is
                            skipped. Give the same --project, --region and --topic
                            as the deploy; with --dry-run, print the commands
  --delete-database         with --undo: also delete the Firestore database
                            (default) and every document in it (never otherwise)
  -h, --help                this text

Exit codes: 0 deployed or removed (or printed, with --dry-run); 1 a gcloud step
failed (its exit code and error are printed, later steps did not run); 2 bad usage
or no gcloud on PATH (the commands are printed).`;

// The deployed functions wait at most this long for their spans to flush before answering.
const FLUSH_TIMEOUT_MS = 3000;

/**
 * Reads the deploy's flags. No environment fallback for the project or region: a deploy
 * goes where the command line says, never where a stray variable points. Throws
 * DeployOptionsError naming the flag; only the CLI turns it into exit 2.
 */
export function parseDeployOptions(argv: readonly string[] = process.argv.slice(2)): DeployOptions {
  const values = parseFlags(
    argv,
    {
      project: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'allow-unauthenticated': { type: 'boolean' },
      exporter: { type: 'string' },
      'sample-ratio': { type: 'string' },
      topic: { type: 'string' },
      'instance-based-billing': { type: 'boolean' },
      undo: { type: 'boolean' },
      'delete-database': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new DeployOptionsError(message),
  );
  // --help reads nothing else, so it works with any (or no) other flags.
  if (values.help === true) {
    return { project: '', region: '', ordersTopic: 'orders', exporter: 'gcp_otlp', sampleRatio: 1, flushTimeoutMs: FLUSH_TIMEOUT_MS, instanceBasedBilling: false, allowUnauthenticated: false, dryRun: false, undo: false, deleteDatabase: false, help: true };
  }
  const str = (name: string): string | undefined => {
    const raw = values[name];
    return typeof raw === 'string' ? raw.trim() : undefined;
  };
  const undo = values.undo === true;
  if (values['delete-database'] === true && !undo) throw new DeployOptionsError('--delete-database only goes with --undo');
  return {
    project: parseProject(str('project')),
    region: parseRegion(str('region')),
    ordersTopic: parseTopic(str('topic') ?? 'orders'),
    exporter: parseExporter(str('exporter') ?? 'gcp_otlp'),
    sampleRatio: parseRatio(str('sample-ratio') ?? '1'),
    flushTimeoutMs: FLUSH_TIMEOUT_MS,
    instanceBasedBilling: values['instance-based-billing'] === true,
    allowUnauthenticated: values['allow-unauthenticated'] === true,
    dryRun: values['dry-run'] === true,
    undo,
    deleteDatabase: values['delete-database'] === true,
    help: false,
  };
}

function parseProject(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new DeployOptionsError('--project is required: the Google Cloud project id, e.g. --project my-orders-123');
  // Project ids: 6–30 of a-z, 0-9, -; a letter first, no trailing hyphen. Domain-scoped
  // ids (example.com:proj) would change the service accounts' e-mail form: not supported.
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(raw)) {
    throw new DeployOptionsError(`--project "${raw}" is not a project id (6–30 lower-case letters, digits, hyphens; a letter first)`);
  }
  return raw;
}

function parseRegion(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new DeployOptionsError('--region is required, e.g. --region europe-west1 (gcloud functions regions list)');
  if (!/^[a-z]+(-[a-z]+)+[0-9]+$/.test(raw)) throw new DeployOptionsError(`--region "${raw}" is not a region name like europe-west1 or us-central1`);
  return raw;
}

function parseTopic(raw: string): string {
  // Pub/Sub's rule (3–255 chars, a letter first, not "goog"), leaving room for "-dead-letter-sub".
  if (!/^[A-Za-z][\w.~+%-]{2,238}$/.test(raw) || raw.toLowerCase().startsWith('goog')) {
    throw new DeployOptionsError(`--topic "${raw}" is not a Pub/Sub topic id (3–239 of letters, digits, - _ . ~ + %; a letter first; not "goog…")`);
  }
  return raw;
}

function parseExporter(raw: string): ProductionExporter {
  if (raw === 'gcp' || raw === 'gcp_otlp') return raw;
  throw new DeployOptionsError(`--exporter "${raw}" is not gcp_otlp or gcp`);
}

function parseRatio(raw: string): number {
  const value = /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 0 && value <= 1)) throw new DeployOptionsError(`--sample-ratio "${raw}" is not a number from 0 to 1`);
  return value;
}
