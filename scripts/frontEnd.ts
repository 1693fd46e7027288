import { runCli } from './cli/runCli';
import type { FrontEndOptions } from './frontEnd/parseFrontEndOptions';
import { FRONT_END_HELP, FrontEndOptionsError, parseFrontEndOptions } from './frontEnd/parseFrontEndOptions';
import { startFrontEnd } from './frontEnd/startFrontEnd';
import { watchParent } from './frontEnd/watchParent';

// Exit codes: 0 stopped by a signal or its parent's death, 1 could not start, 2 bad options.
runCli({ parse: () => parseFrontEndOptions(), usageError: FrontEndOptionsError, help: FRONT_END_HELP, run: runFrontEnd });

async function runFrontEnd(options: FrontEndOptions): Promise<number> {
  // JSON lines, as Cloud Logging and the stack's log window read them.
  const log = (severity: string, message: string, fields: Record<string, unknown> = {}): void => {
    console.log(JSON.stringify({ severity, message, ...fields }));
  };
  let frontEnd;
  try {
    frontEnd = await startFrontEnd(options, { env: process.env, log });
  } catch (err) {
    console.error(`The front end could not listen on ${options.host}:${options.port}: ${(err as Error).message}`);
    return 1;
  }
  const { manager } = frontEnd;
  // Whatever way this process ends, its instances (stopped ones included) end with it.
  process.on('exit', () => {
    for (const instance of manager.live) instance.kill();
  });
  log('INFO', 'front end: listening', {
    url: frontEnd.url,
    billing: options.billing,
    idleShutdownS: options.idleShutdownMs / 1000,
    sampleRate: options.sampleRate,
    timeoutS: options.timeoutMs / 1000,
  });
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    watchParent(() => resolve('its parent process ended'));
  });
  log('INFO', 'front end: stopping', { reason });
  await frontEnd.close();
  return 0;
}
