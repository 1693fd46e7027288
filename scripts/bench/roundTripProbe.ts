import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { startDelayProxy } from './delayProxy';

export interface RoundTripProbe {
  /** `count` one-byte echoes through the proxy, one after another: each round trip in ms. */
  sample(count: number): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * Times echoes through a delay proxy of `rttMs`, so the rtt benchmark can subtract the
 * round trip the proxy really adds rather than the nominal one: its timers have 1 ms
 * granularity and fire late when the benchmark's process is busy, so a "20 ms" proxy
 * measures 20–22 ms here. Same proxy code, same process, sampled between the runs.
 */
export async function startRoundTripProbe(rttMs: number): Promise<RoundTripProbe> {
  const echo = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    echo.once('error', reject);
    echo.listen(0, '127.0.0.1', resolve);
  });
  const closeEcho = () => new Promise<void>((done) => echo.close(() => done()));
  let proxy;
  try {
    proxy = await startDelayProxy('127.0.0.1', (echo.address() as net.AddressInfo).port, rttMs);
  } catch (error) {
    await closeEcho();
    throw error;
  }
  const client = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true });
  const closeAll = async () => {
    client.destroy();
    await proxy.close();
    await closeEcho();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const onError = (error: Error) => reject(error);
      client.once('error', onError);
      client.once('data', () => {
        client.off('error', onError);
        resolve(performance.now() - started);
      });
      client.write('.');
    });
  return {
    async sample(count) {
      const times: number[] = [];
      for (let i = 0; i < count; i++) times.push(await once());
      return times;
    },
    close: closeAll,
  };
}
