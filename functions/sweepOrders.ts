import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { sweepOnce, summarizeSweep } from '../shared/recovery/sweepOnce';
import { runInvocation } from '../shared/telemetry/runInvocation';
import type { SweepDependencies } from './sweepDependencies';

/**
 * HTTP function Cloud Scheduler calls (POST, OIDC; deployed private): one recovery pass.
 * Answers 200 with the pass's report when everything was settled, 500 when some part
 * failed or an order is left for the next pass (Cloud Scheduler records the run as
 * failed; the next scheduled pass tries again). `?dryRun=true` reports and changes nothing.
 */
export function sweepOrdersHandler(deps: SweepDependencies): HttpFunction {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ error: `method ${req.method} not allowed; POST to run one recovery pass` });
      return;
    }
    const dryRun = req.query.dryRun === 'true';
    const invocation = req.get('function-execution-id') ?? randomUUID();
    // A scheduled pass is its own root trace; each order it republishes continues that order's trace.
    const report = await runInvocation(
      deps.tracing,
      {
        name: 'POST /',
        kind: SpanKind.SERVER,
        parent: ROOT_CONTEXT,
        attributes: {
          'faas.trigger': 'timer',
          'faas.invocation_id': invocation,
          'http.request.method': 'POST',
          'http.route': '/',
          'orders.sweep.dry_run': dryRun,
        },
      },
      async (span) => {
        const result = await sweepOnce(deps, deps.sweep, { dryRun });
        const summary = summarizeSweep(result);
        span.setAttribute('http.response.status_code', result.ok ? 200 : 500);
        if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: 'sweep left work for the next pass' });
        if (result.ok) deps.log.info(`sweep pass: ${summary}`, { dryRun });
        else deps.log.error(`sweep pass left work for the next one: ${summary}`, { dryRun, partFailures: result.partFailures });
        return result;
      },
    );
    res.status(report.ok ? 200 : 500).json(report);
  };
}
