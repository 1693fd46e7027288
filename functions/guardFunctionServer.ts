import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * How long a client may take to send a request (config: REQUEST_HEADERS_TIMEOUT_MS,
 * REQUEST_TIMEOUT_MS). Node's defaults (headers 60 s, whole request 300 s, checked every
 * 30 s) let a client that never finishes hold a socket for 88 s or 328 s. A function's
 * callers are Google's front end or, locally, the stack's parts and tools on the loopback,
 * which send a whole request in milliseconds: 10 s for the headers and 30 s for everything
 * (32 MB, the largest push, at just over 1 MB/s) leave wide room. The limits end at the
 * request's last byte; a function may take as long as its own timeout to answer.
 */
export interface RequestLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

// How often Node checks the two limits (its default, 30 s, would add up to 30 s to each).
const CHECK_INTERVAL_MS = 1_000;

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' };

const inFlight = new Set<ServerResponse>();
let processHooked = false;

/**
 * Makes every answer of a function's server JSON and bounded in time, also while the
 * process stops:
 * - request headers and bodies must arrive within REQUEST_LIMITS (Node's own server
 *   settings), and what Node refuses before the function sees it (a timeout, malformed
 *   HTTP, headers too large) is answered with a JSON error instead of a bare status line;
 * - when the process stops (SIGTERM or SIGINT, or any exit), requests still in flight are
 *   answered 503 JSON ("retry") before functions-framework's own handlers answer them with
 *   a plain-text 500 (`Received SIGTERM`, `Process exited with code 0`), and the server
 *   stops taking connections;
 * - a log pipe that breaks (the stack that read the output is gone: EPIPE) no longer
 *   crashes the process through functions-framework's uncaught-exception handler, which
 *   answered the request in flight with `500 write EPIPE`.
 * Returns the hook to call with each server functions-framework builds, before it listens.
 */
export function guardFunctionServer(limits: RequestLimits): (server: Server) => void {
  return (server) => guard(server, limits);
}

function guard(server: Server, limits: RequestLimits): void {
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.requestTimeout = limits.requestTimeoutMs;
  // Read when the server starts listening: how often the two limits above are checked.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CHECK_INTERVAL_MS;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, limits));
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const stopping = (): void => {
    server.close();
    server.closeIdleConnections();
  };
  stopHooks.push(stopping);
  server.once('listening', () => setImmediate(() => hookProcess()));
}

const stopHooks: (() => void)[] = [];

/**
 * Joins the process's stop signals only where a handler already exists (functions-framework's,
 * registered once its server listens): a process that would die on a signal still does.
 */
function hookProcess(): void {
  if (processHooked) return;
  processHooked = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    if (process.listenerCount(signal) > 0) process.prependListener(signal, () => answerInFlight(`the function instance received ${signal} and is stopping; retry`));
  }
  process.prependListener('exit', () => answerInFlight('the function instance is exiting; retry'));
  for (const stream of [process.stdout, process.stderr]) {
    // Nothing can be logged once the reader is gone; the request in flight must still be answered.
    stream.on('error', () => {});
  }
}

function answerInFlight(reason: string): void {
  for (const stop of stopHooks) stop();
  for (const res of inFlight) {
    if (res.headersSent || res.writableEnded) continue;
    const body = JSON.stringify({ error: reason });
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1', connection: 'close' });
    res.end(body);
  }
}

/** Node's answer to a request it refused before any handler ran, as JSON (its default is an empty body). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, limits: RequestLimits): void {
  const answering = [...inFlight].some((res) => res.socket === socket && res.headersSent);
  if (error.code === 'ECONNRESET' || !socket.writable || answering) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, `the request did not arrive in time: headers within ${limits.headersTimeoutMs} ms, all of it within ${limits.requestTimeoutMs} ms`]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'malformed HTTP request'];
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
