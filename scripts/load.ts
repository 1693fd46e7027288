import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findUnreachable } from './cli/findUnreachable';
import { runCli } from './cli/runCli';
import { formatSummary } from './load/formatSummary';
import type { LoadOptions } from './load/parseLoadOptions';
import { LOAD_HELP, LoadOptionsError, parseLoadOptions } from './load/parseLoadOptions';
import { progressReporter } from './load/progressReporter';
import { renderHtmlReport } from './load/renderHtmlReport';
import { IdTokenError, resolveIdToken } from './load/resolveIdToken';
import { runLoadTest } from './load/runLoadTest';

// Exit codes: 0 all good, 1 incomplete traces / unprocessed orders / too many errors, 2 bad usage.
runCli({ parse: parseLoadOptions, usageError: LoadOptionsError, help: LOAD_HELP, run: load });

async function load(options: LoadOptions): Promise<number> {
  const missing = await findUnreachable([
    ...(options.remote ? [] : [{ what: 'createOrder', address: options.target }]),
    { what: 'OTLP collector', address: options.otlp },
    { what: 'trace API', address: options.traces },
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

  const mode = options.rate === undefined ? `concurrency ${options.concurrency}` : `${options.rate}/s (in flight ≤ ${options.concurrency})`;
  console.log(`Load test: ${options.orders} orders → ${options.target}, ${mode}; client spans → ${options.otlp}; traces from ${options.traces}`);
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

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
}
