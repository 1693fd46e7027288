/**
 * An emulator's `--host` and `--port` as parseFlags gave them: host defaults to 127.0.0.1
 * and must not be empty, port to `defaultPort` (0 = any free port). Anything else is the
 * caller's own usage error, naming the flag.
 */
export function listenAddress(
  values: { readonly host?: unknown; readonly port?: unknown },
  defaultPort: number,
  usageError: (message: string) => Error,
): { readonly host: string; readonly port: number } {
  const port = values.port === undefined ? defaultPort : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError(`--port must be an integer 0-65535, got "${String(values.port)}"`);
  }
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  if (host === '') throw usageError('--host must not be empty');
  return { host, port };
}
