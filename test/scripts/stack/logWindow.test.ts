import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { logWindow } from '../../../scripts/stack/logWindow';

void describe('logWindow', () => {
  void it('summarises routine lines per interval, shows warnings at once, keeps every line in a file per source', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'log-window-'));
    const printed: string[] = [];
    const window = logWindow({ dir, print: (l) => printed.push(l), intervalMs: 60_000, raw: false, now: () => new Date('2026-11-30T11:20:05Z') });
    try {
      const accepted = '[createOrder] {"severity":"INFO","message":"order accepted"}';
      const warning = '[processOrder] {"severity":"WARNING","message":"message not processed; Pub/Sub will redeliver it"}';
      for (let i = 0; i < 12; i++) window.log(accepted);
      window.log('[processOrder] {"severity":"INFO","message":"order processed"}');
      window.log(warning);
      window.log('[processOrder] Serving function...');
      window.log('[stack] ready in 10 ms');
      assert.deepEqual(printed, [warning, '[stack] ready in 10 ms'], 'only the warning and the stack line so far');

      window.flush();
      assert.equal(printed[2], '  11:20:05  createOrder 12 × order accepted  ·  processOrder 1 × order processed');
      window.flush();
      assert.equal(printed.length, 3, 'nothing new, no summary line');

      await window.close();
      const createLog = (await readFile(path.join(dir, 'createOrder.log'), 'utf8')).trim().split('\n');
      assert.equal(createLog.length, 12);
      assert.match(await readFile(path.join(dir, 'processOrder.log'), 'utf8'), /WARNING[\s\S]*Serving function/);
      assert.equal(await readFile(path.join(dir, 'stack.log'), 'utf8'), '[stack] ready in 10 ms\n');
      assert.deepEqual(window.files.map((f) => path.basename(f)), ['createOrder.log', 'processOrder.log', 'sweepOrders.log', 'stack.log']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('raw: every line as it comes, files still written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'log-window-'));
    const printed: string[] = [];
    const window = logWindow({ dir, print: (l) => printed.push(l), intervalMs: 60_000, raw: true });
    try {
      window.log('[createOrder] {"severity":"INFO","message":"order accepted"}');
      window.log('[createOrder] Serving function...');
      await window.close();
      assert.equal(printed.length, 2);
      assert.equal((await readFile(path.join(dir, 'createOrder.log'), 'utf8')).trim().split('\n').length, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
