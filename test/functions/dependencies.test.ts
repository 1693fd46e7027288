import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Firestore } from '@google-cloud/firestore';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createDependencies } from '../../functions/dependencies';
import { loadConfig } from '../../shared/config';

/** A context manager that counts the contexts entered, as the traced functions' one does. */
class CountingContextManager extends AsyncLocalStorageContextManager {
  entered = 0;
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Parameters<AsyncLocalStorageContextManager['with']>[0], fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.entered++;
    return super.with(ctx, fn, thisArg, ...args);
  }
}

/** How many contexts one Firestore write enters as it starts, in a client built after createDependencies. */
async function contextsPerRead(env: Record<string, string>): Promise<number> {
  const names = ['FIRESTORE_ENABLE_TRACING', 'FIRESTORE_EMULATOR_HOST', 'METADATA_SERVER_DETECTION'];
  const saved = names.map((name) => [name, process.env[name]] as const);
  delete process.env['FIRESTORE_ENABLE_TRACING'];
  const manager = new CountingContextManager().enable();
  // Importing the functions started tracing, whose context manager is registered already.
  context.disable();
  assert.ok(context.setGlobalContextManager(manager));
  // A gRPC server with no services: the write is answered UNIMPLEMENTED, which is not retried.
  const server = new Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.env['FIRESTORE_EMULATOR_HOST'] = `127.0.0.1:${port}`;
  // Off Google Cloud: the auth library would otherwise probe for a metadata server for seconds.
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const config = loadConfig(env, []);
  try {
    createDependencies(config);
    const firestore = new Firestore({ projectId: config.projectId });
    const before = manager.entered;
    const write = firestore.doc('orders/o-1').create({ total: 1 });
    const entered = manager.entered - before;
    await assert.rejects(write, /UNIMPLEMENTED/);
    await firestore.terminate();
    return entered;
  } finally {
    server.forceShutdown();
    context.disable();
    for (const [name, value] of saved) restore(name, value);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

test('with Firestore\'s own spans off (the default), its operations enter no context of their own', async () => {
  assert.equal(await contextsPerRead({}), 0);
  assert.equal(process.env['FIRESTORE_ENABLE_TRACING'], undefined, 'the test restores the variable');
});

test('FIRESTORE_ENABLE_TRACING=on keeps Firestore\'s trace util, which enters a context per operation', async () => {
  assert.ok((await contextsPerRead({ FIRESTORE_ENABLE_TRACING: 'on' })) > 0);
});
