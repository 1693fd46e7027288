import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { startDelayProxy } from '../../../scripts/bench/delayProxy';

/** An echo server that upper-cases, on a free loopback port. */
async function upperEcho(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk.toString().toUpperCase()));
    socket.on('end', () => socket.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

test('relays bytes both ways, in order, and passes the end of the stream on', async () => {
  const server = await upperEcho();
  const proxy = await startDelayProxy('127.0.0.1', (server.address() as net.AddressInfo).port, 4);
  try {
    const client = net.connect({ host: '127.0.0.1', port: proxy.port });
    await once(client, 'connect');
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    const parts = Array.from({ length: 50 }, (_, i) => `part-${i};`);
    for (const part of parts) client.write(part);
    client.end();
    await once(client, 'end');
    assert.equal(Buffer.concat(received).toString(), parts.join('').toUpperCase());
    client.destroy();
  } finally {
    await proxy.close();
    server.close();
  }
});

test('close() cuts open connections and stops listening', async () => {
  const server = await upperEcho();
  const proxy = await startDelayProxy('127.0.0.1', (server.address() as net.AddressInfo).port, 2);
  const client = net.connect({ host: '127.0.0.1', port: proxy.port });
  await once(client, 'connect');
  const closed = once(client, 'close');
  client.on('error', () => undefined);
  await proxy.close();
  await closed;
  await assert.rejects(
    new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port: proxy.port }).once('connect', resolve).once('error', reject)),
    /ECONNREFUSED/,
  );
  server.close();
});
