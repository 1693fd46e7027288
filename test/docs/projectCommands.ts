import { BENCH_HELP, parseBenchOptions } from '../../scripts/bench/parseBenchOptions';
import { COLLECTOR_USAGE, parseCollectorArgs } from '../../scripts/collector/parseCollectorArgs';
import { DEPLOY_HELP, parseDeployOptions } from '../../scripts/deploy/parseDeployOptions';
import { FAULT_HELP, parseFaultOptions } from '../../scripts/fault/parseFaultOptions';
import { FRONT_END_HELP, parseFrontEndOptions } from '../../scripts/frontEnd/parseFrontEndOptions';
import { FIRESTORE_EMULATOR_HELP, parseFirestoreEmulatorArgs } from '../../scripts/firestoreEmulator/parseFirestoreEmulatorArgs';
import { LOAD_HELP, parseLoadOptions } from '../../scripts/load/parseLoadOptions';
import { USAGE as PUBSUB_EMULATOR_HELP, parseEmulatorArgs } from '../../scripts/pubsubEmulator/parseEmulatorArgs';
import { REHEARSE_HELP, parseRehearseOptions } from '../../scripts/rehearse/parseRehearseOptions';
import { SOAK_HELP, parseSoakOptions } from '../../scripts/soak/parseSoakOptions';
import { STACK_HELP, parseStackOptions } from '../../scripts/stack/parseStackOptions';
import { SWEEP_HELP, parseSweepOptions } from '../../scripts/sweep/parseSweepOptions';

export interface ProjectCommand {
  /** How the docs invoke it. */
  readonly invocation: string;
  /** The compiled entry under dist/, without .js. */
  readonly entry: string;
  /** The file whose parseFlags call reads its flags. */
  readonly parser: string;
  /** Calls the parser; its flags are read through parseFlags, not listed here. */
  readonly parse: () => unknown;
  /** What its --help prints (the entry hands this text to runCli). */
  readonly help: string;
  /** The pages that document the command: every flag it accepts must be on one of them. */
  readonly pages: readonly string[];
}

const NO_ENV = {};

/**
 * Every command with flags, and where it is documented. Adding a command means adding it
 * here (the docs test fails on a parseFlags call no entry names); its flags come from its parser.
 */
export const PROJECT_COMMANDS: readonly ProjectCommand[] = [
  { invocation: 'npm start', entry: 'scripts/start', parser: 'scripts/stack/parseStackOptions.ts', parse: () => parseStackOptions(['--help'], NO_ENV), help: STACK_HELP, pages: ['docs/local-stack.md'] },
  { invocation: 'npm run load', entry: 'scripts/load', parser: 'scripts/load/parseLoadOptions.ts', parse: () => parseLoadOptions(['--help'], NO_ENV), help: LOAD_HELP, pages: ['docs/load-test-and-benchmarks.md'] },
  { invocation: 'npm run bench', entry: 'scripts/bench', parser: 'scripts/bench/parseBenchOptions.ts', parse: () => parseBenchOptions(['--help']), help: BENCH_HELP, pages: ['docs/load-test-and-benchmarks.md'] },
  { invocation: 'npm run soak', entry: 'scripts/soak', parser: 'scripts/soak/parseSoakOptions.ts', parse: () => parseSoakOptions(['--help']), help: SOAK_HELP, pages: ['docs/load-test-and-benchmarks.md'] },
  { invocation: 'npm run fault', entry: 'scripts/fault', parser: 'scripts/fault/parseFaultOptions.ts', parse: () => parseFaultOptions(['--help']), help: FAULT_HELP, pages: ['docs/recovery.md'] },
  { invocation: 'npm run sweep', entry: 'scripts/sweep', parser: 'scripts/sweep/parseSweepOptions.ts', parse: () => parseSweepOptions(['--help'], NO_ENV), help: SWEEP_HELP, pages: ['docs/recovery.md'] },
  { invocation: 'npm run deploy', entry: 'scripts/deploy', parser: 'scripts/deploy/parseDeployOptions.ts', parse: () => parseDeployOptions(['--help']), help: DEPLOY_HELP, pages: ['docs/deploy.md'] },
  { invocation: 'npm run deploy:rehearse', entry: 'scripts/rehearse', parser: 'scripts/rehearse/parseRehearseOptions.ts', parse: () => parseRehearseOptions(['--help']), help: REHEARSE_HELP, pages: ['docs/deploy.md'] },
  { invocation: 'npm run front-end', entry: 'scripts/frontEnd', parser: 'scripts/frontEnd/parseFrontEndOptions.ts', parse: () => parseFrontEndOptions(['--help']), help: FRONT_END_HELP, pages: ['docs/cloud-run-front-end.md'] },
  { invocation: 'dist/scripts/collector/main.js', entry: 'scripts/collector/main', parser: 'scripts/collector/parseCollectorArgs.ts', parse: () => parseCollectorArgs(['--help']), help: COLLECTOR_USAGE, pages: ['scripts/collector/README.md'] },
  { invocation: 'dist/scripts/pubsubEmulator/main.js', entry: 'scripts/pubsubEmulator/main', parser: 'scripts/pubsubEmulator/parseEmulatorArgs.ts', parse: () => parseEmulatorArgs(['--help']), help: PUBSUB_EMULATOR_HELP, pages: ['scripts/pubsubEmulator/README.md'] },
  { invocation: 'dist/scripts/firestoreEmulator/main.js', entry: 'scripts/firestoreEmulator/main', parser: 'scripts/firestoreEmulator/parseFirestoreEmulatorArgs.ts', parse: () => parseFirestoreEmulatorArgs(['--help']), help: FIRESTORE_EMULATOR_HELP, pages: ['docs/local-stack.md'] },
];
