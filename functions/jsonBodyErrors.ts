import type { Readable } from 'node:stream';
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
 *
 * Every client error the parser raises is routed, not only syntax errors: an
 * unsupported charset (`application/json; charset=latin1`) or content encoding is
 * a 415 from body-parser that would otherwise also reach Express's HTML handler.
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
        if (isClientError(error) && !isCloudEvent) {
          const parseError: JsonParseError = { message: withoutBodyExcerpt(error.message), status: error.status === 415 ? 415 : 400 };
          (req as Record<symbol, unknown>)[PARSE_ERROR] = parseError;
          return drained(req as Readable, () => next());
        }
        next(error);
      });
  };
  wrapped[PARSE_ERROR] = true;
  bodyParser.json = wrapped;
}

/**
 * Calls `then` once the request body has been read off. Errors raised before reading
 * (charset, content encoding) leave it unread, and the framework's later raw() parser
 * would then read it and raise the same error again, straight to Express.
 */
function drained(req: Readable, then: () => void): void {
  if (req.readableEnded || req.destroyed) return then();
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    then();
  };
  req.on('end', once);
  req.on('error', once);
  req.on('close', once);
  req.resume();
}

/**
 * Why the body could not be read as JSON: 415 when body-parser refused its charset or
 * content encoding (the media type is the problem), else 400 (the bytes are not JSON).
 */
export interface JsonParseError {
  readonly message: string;
  readonly status: 400 | 415;
}

/** A body-parser error the client caused (http-errors marks those `expose`, status 4xx). */
function isClientError(error: unknown): error is Error & { status: number } {
  const candidate = error as { status?: unknown; expose?: unknown } | undefined;
  return error instanceof Error && typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true;
}

/**
 * V8's JSON.parse messages quote a stretch of the body (`Unexpected token 'N', "…"unitPrice":NaN}]…" is
 * not valid JSON`). The quote is order contents: the message keeps the reason, not the excerpt.
 */
export function withoutBodyExcerpt(message: string): string {
  return message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 200);
}

/** The JSON parse error functions-framework met for this request, if any. */
export function jsonParseError(req: Request): JsonParseError | undefined {
  return (req as unknown as Record<symbol, JsonParseError | undefined>)[PARSE_ERROR];
}
