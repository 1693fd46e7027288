import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findUnreachable } from './cli/findUnreachable';
import { runCli } from './cli/runCli';
import { cloudTraceAuth } from './load/cloudTraceClient';
import { formatSummary } from './load/formatSummary';
import type { LoadOptions } from './load/parseLoadOptions';
import { LOAD_HELP, LoadOptionsError, parseLoadOptions } from './load/parseLoadOptions';
import { progressReporter } from './load/progressReporter';
import { renderHtmlReport } from './load/renderHtmlReport';
import { IdTokenError, resolveIdToken } from './load/resolveIdToken';
import { runLoadTest } from './load/runLoadTest';

// Exit codes: 0 all good, 1 incomplete traces / unprocessed orders / too many errors, 2 bad usage or no credentials.
runCli({ parse: parseLoadOptions, usageError: LoadOptionsError, help: LOAD_HELP, run: load });

async function load(options: LoadOptions): Promise<number> {
  const missing = await findUnreachable([
    ...(options.remote ? [] : [{ what: 'createOrder', address: options.target }]),
    ...(options.traceHeaders ? [{ what: 'OTLP collector', address: options.otlp }] : []),
    ...(options.cloudTraceApi ? [] : [{ what: 'trace API', address: options.traces }]),
    ...(options.firestore ? [{ what: 'Firestore', address: options.firestore }] : []),
  ]);
  if (missing.length > 0) {
    const where = missing.map((e) => `${e.address} (${e.what})`).join(', ');
    console.error(`Nothing answers at ${where}: start the local stack with \`npm start\` in another terminal, or point --target/--otlp/--traces/--firestore at a running one.`);
    return 1;
  }
  let idToken = options.idToken;
  if (options.remote) {
    try {
      idToken = await resolveIdToken(options.idToken);
    } catch (err) {
      if (err instanceof IdTokenError) {
        console.error(err.message);
        return 2;
      }
      throw err;
    }
  }

  if (options.cloudTraceApi) {
    const problem = await checkCloudTraceCredentials(options.projectId);
    if (problem) {
      console.error(problem);
      return 2;
    }
  }

  const mode = options.rate === undefined ? `concurrency ${options.concurrency}` : `${options.rate}/s (in flight ≤ ${options.concurrency})`;
  const client = options.traceHeaders ? `client spans → ${options.otlp}` : 'no client spans';
  const traces = options.cloudTraceApi ? `Cloud Trace (${options.cloudTraceApi}, project ${options.projectId})` : options.traces;
  console.log(`Load test: ${options.orders} orders → ${options.target}, ${mode}; ${client}; traces from ${traces}`);
  const progress = progressReporter(process.stdout);
  const { summary } = await runLoadTest({ ...options, idToken }, progress);
  console.log(`\n${formatSummary(summary)}`);

  if (options.json) {
    await writeOut(options.json, JSON.stringify(summary, null, 2) + '\n');
    console.log(`  JSON: ${options.json}`);
  }
  await writeOut(options.html, renderHtmlReport(summary));
  console.log(`  HTML: ${path.resolve(options.html)}`);
  return summary.ok ? 0 : 1;
}

/** Before any order is sent: Application Default Credentials that yield a token, or what to do. */
async function checkCloudTraceCredentials(projectId: string): Promise<string | undefined> {
  try {
    await cloudTraceAuth(projectId).getAccessToken();
    return undefined;
  } catch (err) {
    return `Reading traces from Cloud Trace needs Application Default Credentials (\`gcloud auth application-default login\`, or GOOGLE_APPLICATION_CREDENTIALS naming a credentials file): ${(err as Error).message}`;
  }
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
}
