import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from '@google-cloud/functions-framework';

const PARSE_ERROR = Symbol.for('orders.jsonParseError');
const WRAPPED = Symbol.for('orders.boundedBodyParsers');

type Middleware = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
type ParserFactory = ((options?: Record<string, unknown>) => Middleware) & { [WRAPPED]?: true };
// The parsers functions-framework installs, in its order; raw() takes every other type.
const PARSERS = ['json', 'text', 'urlencoded', 'raw'] as const;

/**
 * functions-framework parses request bodies before the function runs: up to 1 GB each
 * (the platform stops at 32 MB), and a malformed one gets Express's HTML 400 outside any
 * span, with the parse error (which quotes the body) logged. Wrapping the factories of
 * the body-parser it uses changes that for every request, whatever its headers (a
 * `ce-id` header or a CloudEvents content type must not buy a way around the limits):
 *
 * - HTTP functions: the body is read only up to `maxBodyBytes` (body-parser refuses it
 *   from its Content-Length before reading), and every client error a parser raises
 *   (malformed JSON, too large, an unsupported charset or content encoding) reaches the
 *   function, which answers it as JSON inside its traced invocation.
 * - CloudEvent functions: Pub/Sub's pushes keep room (up to the platform's 32 MB), and
 *   what cannot be a push (not a POST, not JSON, malformed, too large) is answered here
 *   with a 4xx JSON error before the framework turns it into an HTML 500.
 *
 * Which kind a server serves is read from functions-framework's getServer, which is
 * wrapped to say so while it builds the server (and so creates the parsers). Must run
 * before the framework builds its server (it loads the function first, then builds it).
 */
export function routeJsonParseErrorsToFunction(maxBodyBytes: number): void {
  const frameworkEntry = require.resolve('@google-cloud/functions-framework');
  watchServerSignatureType(path.join(path.dirname(frameworkEntry), 'server.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bodyParser = require(require.resolve('body-parser', { paths: [frameworkEntry] })) as Record<(typeof PARSERS)[number], ParserFactory>;
  for (const name of PARSERS) {
    const original = bodyParser[name];
    if (original[WRAPPED]) continue;
    const wrapped: ParserFactory = (options) => {
      if (buildingSignatureType === 'cloudevent' || buildingSignatureType === 'event') return cloudEventParser(original, options, name === 'raw');
      const bounded = original({ ...options, limit: maxBodyBytes });
      return (req, res, next) => {
        bounded(req, res, (error?: unknown) => {
          if (!isClientError(error)) return next(error);
          const parseError: JsonParseError = { message: withoutBodyExcerpt(error.message), status: statusOf(error) };
          (req as Record<symbol, unknown>)[PARSE_ERROR] = parseError;
          drained(req as Readable, () => next());
        });
      };
    };
    wrapped[WRAPPED] = true;
    bodyParser[name] = wrapped;
  }
}

// A Pub/Sub push carries at most 10 MB of data, base64 in JSON: under the platform's 32 MB.
const CLOUD_EVENT_BODY_LIMIT = 32 * 1024 * 1024;
const JSON_TYPES = /^application\/(json|cloudevents\+json)\s*(;|$)/i;

/** Signature type of the server functions-framework is building right now (undefined otherwise). */
let buildingSignatureType: string | undefined;

type ServerModule = { getServer: ((userFunction: unknown, options: { signatureType?: string }) => unknown) & { [WRAPPED]?: true } };

function watchServerSignatureType(serverPath: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require(serverPath) as ServerModule;
  if (server.getServer[WRAPPED]) return;
  const original = server.getServer;
  const watched: ServerModule['getServer'] = (userFunction, options) => {
    buildingSignatureType = options?.signatureType;
    try {
      return original(userFunction, options);
    } finally {
      buildingSignatureType = undefined;
    }
  };
  watched[WRAPPED] = true;
  server.getServer = watched;
}

/**
 * A body parser for a CloudEvent function's server: the platform's limit, and a JSON
 * 4xx for what cannot be a push delivery. The last parser (`raw`) also refuses other
 * methods and media types, once the others have had their turn.
 */
function cloudEventParser(original: ParserFactory, options: Record<string, unknown> | undefined, last: boolean): Middleware {
  const parser = original({ ...options, limit: CLOUD_EVENT_BODY_LIMIT });
  return (req, res, next) => {
    const answer = (status: number, error: string, headers: Record<string, string> = {}): void => {
      drained(req as Readable, () => (res as JsonResponse).status(status).set(headers).json({ error }));
    };
    parser(req, res, (error?: unknown) => {
      if (isClientError(error)) return answer(statusOf(error), `the push body cannot be read: ${withoutBodyExcerpt(error.message)}`);
      if (error !== undefined || !last) return next(error);
      const { method, headers } = req as { method?: string; headers: Record<string, string | undefined> };
      if (method !== 'POST') return answer(405, `method ${method ?? '?'} not allowed; Pub/Sub pushes are POSTs`, { Allow: 'POST' });
      if (!JSON_TYPES.test(headers['content-type'] ?? '')) {
        return answer(415, `Content-Type must be application/json or application/cloudevents+json, got ${(headers['content-type'] ?? 'none').slice(0, 100)}`);
      }
      next();
    });
  };
}

interface JsonResponse {
  status(code: number): JsonResponse;
  set(headers: Record<string, string>): JsonResponse;
  json(body: unknown): void;
}

function statusOf(error: { status: number }): JsonParseError['status'] {
  return error.status === 413 || error.status === 415 ? error.status : 400;
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
 * Why the body could not be read: 413 when it is over the limit, 415 when body-parser
 * refused its charset or content encoding (the media type is the problem), else 400
 * (the bytes are not what the Content-Type says).
 */
export interface JsonParseError {
  readonly message: string;
  readonly status: 400 | 413 | 415;
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
