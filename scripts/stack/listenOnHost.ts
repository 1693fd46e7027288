// Preloaded (`node --require .../listenOnHost.js`) into each functions-framework process the
// stack starts: functions-framework 5 has no host option (its main.js calls
// `server.listen(options.port, callback)`, which binds every interface), and a local
// stack must bind the loopback unless asked otherwise. A listen given a port and no host
// gets LISTEN_HOST; any listen that names a host is left alone. Patching Node's
// `net.Server.prototype.listen` in this one process is the least invasive way: the
// framework's own files stay as installed, and its public options are untouched.
//
// Gated by the framework's version it was written for: another major may bind by itself
// (then the patch is not needed) or differently (then it must be re-checked), so it warns
// once and patches nothing. test/scripts/stack/binding.test.ts fails if the
// real framework stops binding LISTEN_HOST.
import { readFileSync } from 'node:fs';
import { Server } from 'node:net';
import path from 'node:path';

const WRITTEN_FOR_MAJOR = 5;

export function frameworkMajor(): number | undefined {
  try {
    // The package's `exports` leave out package.json; its entry's folder leads to it.
    let dir = path.dirname(require.resolve('@google-cloud/functions-framework'));
    while (!dir.endsWith(path.join('@google-cloud', 'functions-framework')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string };
    return version === undefined ? undefined : Number(version.split('.')[0]);
  } catch {
    return undefined;
  }
}

/** Makes listen(port[, backlog][, callback]) in this process bind `host`. */
export function listenOnHost(host: string): void {
  const listen = Server.prototype.listen as (this: Server, ...args: unknown[]) => Server;
  Server.prototype.listen = function patchedListen(this: Server, ...args: unknown[]) {
    const [port, second] = args;
    const portOnly = (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && (second === undefined || typeof second === 'function');
    return portOnly ? listen.call(this, Number(port), host, ...args.slice(1)) : listen.apply(this, args);
  } as typeof Server.prototype.listen;
}

const host = process.env.LISTEN_HOST;
if (host) {
  const major = frameworkMajor();
  if (major === WRITTEN_FOR_MAJOR) listenOnHost(host);
  else process.emitWarning(`listenOnHost was written for @google-cloud/functions-framework ${WRITTEN_FOR_MAJOR}.x, found ${major ?? 'none'}: not binding ${host}; check how this version binds`);
}
