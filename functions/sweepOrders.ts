import { INVALID_SPAN_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { sweepOnce, summarizeSweep } from '../shared/recovery/sweepOnce';
import type { SweepDependencies } from './sweepDependencies';

/**
 * HTTP function Cloud Scheduler calls (POST, OIDC; deployed private): one recovery pass.
 * Answers 200 with the pass's report when everything was settled, 500 when some part
 * failed or an order is left for the next pass (Cloud Scheduler records the run as
 * failed; the next scheduled pass tries again). `?dryRun=true` reports and changes nothing.
 * The tracing library (registered in index.ts) makes the server span and flushes before
 * the answer leaves; each order a pass republishes continues that order's own trace.
 */
export function sweepOrdersHandler(deps: SweepDependencies): HttpFunction {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ error: `method ${req.method} not allowed; POST to run one recovery pass` });
      return;
    }
    // Tracing off: a non-recording span, so the logic never checks.
    const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const dryRun = req.query.dryRun === 'true';
    span.setAttribute('orders.sweep.dry_run', dryRun);
    const report = await sweepOnce(deps, deps.sweep, { dryRun });
    const summary = summarizeSweep(report);
    if (report.ok) {
      deps.log.info(`sweep pass: ${summary}`, { dryRun });
    } else {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'sweep left work for the next pass' });
      deps.log.error(`sweep pass left work for the next one: ${summary}`, { dryRun, partFailures: report.partFailures });
    }
    res.status(report.ok ? 200 : 500).json(report);
  };
}
