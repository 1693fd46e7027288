import path from 'node:path';
import { runCli } from './cli/runCli';
import { findOnPath } from './deploy/findOnPath';
import { formatScript } from './deploy/formatScript';
import type { DeployOptions } from './deploy/parseDeployOptions';
import { DEPLOY_HELP, DeployOptionsError, parseDeployOptions } from './deploy/parseDeployOptions';
import { planDeploy } from './deploy/planDeploy';
import { planUndo } from './deploy/planUndo';
import { runSteps } from './deploy/runSteps';
import { spawnCommand } from './deploy/spawnCommand';

// `--source=.` uploads the folder with package.json (what .gcloudignore lets through).
const ROOT = path.resolve(__dirname, '..', '..');

// Exit codes: 0 deployed (or printed), 1 a gcloud step failed, 2 bad usage or no gcloud.
runCli({ parse: parseDeployOptions, usageError: DeployOptionsError, help: DEPLOY_HELP, run: deploy });

async function deploy(options: DeployOptions): Promise<number> {
  const steps = options.undo ? planUndo(options) : planDeploy(options);
  const header = options.undo
    ? [
        `Undo of the order functions' deploy in project ${options.project}, region ${options.region} (topic ${options.ordersTopic}):`,
        `each resource is checked first, so one already gone is skipped. ${options.deleteDatabase ? 'The Firestore database (default) is deleted too, with its data.' : 'The Firestore database and its data are kept (--delete-database removes them).'}`,
      ]
    : [
        `Deploy of the order functions to project ${options.project}, region ${options.region}`,
        `(exporter ${options.exporter}, sample ratio ${options.sampleRatio}, topic ${options.ordersTopic}, createOrder ${options.allowUnauthenticated ? 'public' : 'private'}, ${options.instanceBasedBilling ? 'instance-based billing, FLUSH_MODE=background' : 'request-based billing'}).`,
        `Run from ${ROOT}: --source=. uploads that folder.`,
      ];
  const script = () => formatScript(steps, header);
  if (options.dryRun) {
    process.stdout.write(script());
    return 0;
  }
  const gcloud = findOnPath('gcloud');
  if (!gcloud) {
    console.error('gcloud is not on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and run `gcloud auth login`.');
    console.error('Nothing was changed. These are the commands the deploy runs:\n');
    process.stdout.write(script());
    return 2;
  }

  console.log(`${options.undo ? 'Removing the deploy from' : 'Deploying to'} project ${options.project}, region ${options.region} with ${gcloud} (${steps.length} steps)`);
  const outcome = await runSteps(steps, {
    runCommand: spawnCommand({ executable: gcloud, cwd: ROOT, out: process.stdout, err: process.stderr }),
    log: (line) => console.log(line),
    what: options.undo ? 'Undo' : 'Deploy',
  });
  if (!outcome.ok) {
    console.error(`\n${outcome.message}`);
    return 1;
  }
  if (options.undo) {
    console.log(`\nRemoved. ${outcome.removed} resources deleted, ${outcome.absent} were already gone.`);
    return 0;
  }
  const url = outcome.values.get('CREATE_ORDER_URL');
  console.log(`\nDeployed. ${outcome.created} resources created, ${outcome.existing} already existed.`);
  console.log(`createOrder: ${url}`);
  console.log(
    options.allowUnauthenticated
      ? `  curl -X POST ${url} -H 'content-type: application/json' -d '{"customerId":"c-1","items":[{"sku":"sku-1","quantity":2,"unitPrice":9.5}],"currency":"EUR"}'`
      : `  curl -X POST ${url} -H "Authorization: Bearer $(gcloud auth print-identity-token)" -H 'content-type: application/json' -d '{"customerId":"c-1","items":[{"sku":"sku-1","quantity":2,"unitPrice":9.5}],"currency":"EUR"}'`,
  );
  console.log(`Traces: https://console.cloud.google.com/traces/list?project=${options.project}`);
  return 0;
}
