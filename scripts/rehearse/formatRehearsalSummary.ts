import { latencyStats } from '../load/latencyStats';
import type { RehearsalSummary } from './runRehearsal';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);

function coldStart(values: readonly number[]): string {
  const stats = latencyStats(values);
  return `median ${ms(stats.p50)} (${values.map((v) => Math.round(v)).join(', ')} ms; ${values.length} spawn${values.length === 1 ? '' : 's'})`;
}

/** The closing summary: the figures the README's deploy section quotes. */
export function formatRehearsalSummary(s: RehearsalSummary): string {
  return [
    'Rehearsal passed.',
    `  upload:                     ${s.upload.files} files, ${s.upload.bytes} bytes (${(s.upload.bytes / 1024).toFixed(1)} KiB)`,
    `  production node_modules:    ${s.nodeModules.packages} packages, ${s.nodeModules.bytes} bytes (${mib(s.nodeModules.bytes)})`,
    `  cold start createOrder:     ${coldStart(s.coldStartMs.createOrder)}`,
    `  cold start processOrder:    ${coldStart(s.coldStartMs.processOrder)}`,
    `  first request (createOrder, fresh process): ${ms(s.firstRequestMs)}; first event (processOrder span): ${ms(s.firstEventMs)}`,
    `  order ${s.orderId}, trace ${s.traceId}`,
    `  function pids (stopped): ${s.pids.join(', ')}`,
    `  folder: ${s.dir}${s.kept ? ' (kept)' : ' (removed)'}`,
  ].join('\n');
}
