import type { Request } from '@google-cloud/functions-framework';

const PARSE_ERROR = Symbol.for('orders.jsonParseError');

type Middleware = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
type JsonFactory = (options?: unknown) => Middleware;

/**
 * functions-framework parses JSON bodies before the function runs and answers a
 * malformed one with Express's HTML 400, outside any span. Wrapping the json()
 * factory of the body-parser it uses lets the parse error reach the function,
 * which answers it as a JSON 400 inside its traced invocation. Must run before
 * the framework builds its server (it loads the function first, then builds it).
 */
export function routeJsonParseErrorsToFunction(): void {
  const frameworkEntry = require.resolve('@google-cloud/functions-framework');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bodyParser = require(require.resolve('body-parser', { paths: [frameworkEntry] })) as { json: JsonFactory & { [PARSE_ERROR]?: true } };
  if (bodyParser.json[PARSE_ERROR]) return;
  const original = bodyParser.json;
  const wrapped: JsonFactory & { [PARSE_ERROR]?: true } = (options) => {
    const middleware = original(options);
    return (req, res, next) =>
      middleware(req, res, (error?: unknown) => {
        // CloudEvent deliveries (ce-* headers) keep the framework's own 400: a push body
        // that is not JSON is a transport failure for Pub/Sub to retry, not an order.
        const isCloudEvent = (req as { headers?: Record<string, unknown> }).headers?.['ce-id'] !== undefined;
        if ((error as { type?: unknown } | undefined)?.type === 'entity.parse.failed' && !isCloudEvent) {
          (req as Record<symbol, unknown>)[PARSE_ERROR] = (error as Error).message;
          return next();
        }
        next(error);
      });
  };
  wrapped[PARSE_ERROR] = true;
  bodyParser.json = wrapped;
}

/** The JSON parse error functions-framework met for this request, if any. */
export function jsonParseError(req: Request): string | undefined {
  const value = (req as unknown as Record<symbol, unknown>)[PARSE_ERROR];
  return typeof value === 'string' ? value : undefined;
}
