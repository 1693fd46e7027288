import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from './cli/runCli';
import { formatSoakSummary } from './soak/formatSoakSummary';
import type { SoakOptions } from './soak/parseSoakOptions';
import { SOAK_HELP, SoakOptionsError, parseSoakOptions } from './soak/parseSoakOptions';
import { runSoak } from './soak/runSoak';
import { SoakError } from './soak/soakError';

// Exit codes: 0 traces 100 % complete and no memory growth, 1 otherwise or the run could not finish, 2 bad usage.
runCli({ parse: parseSoakOptions, usageError: SoakOptionsError, help: SOAK_HELP, run: soak });

async function soak(options: SoakOptions): Promise<number> {
  const log = (line: string): void => console.log(`  … ${line}`);
  let summary;
  try {
    summary = await runSoak(options, { log });
  } catch (err) {
    if (!(err instanceof SoakError)) throw err;
    console.error(`Soak could not finish: ${err.message}`);
    return 1;
  }
  const text = formatSoakSummary(summary);
  console.log(`\n${text}`);
  const json = path.resolve(options.json);
  const txt = json.replace(/\.json$/i, '') + '.txt';
  await mkdir(path.dirname(json), { recursive: true });
  await writeFile(json, JSON.stringify(summary, null, 2) + '\n');
  await writeFile(txt, text + '\n');
  console.log(`  JSON: ${json}\n  text: ${txt}`);
  return summary.pass ? 0 : 1;
}
