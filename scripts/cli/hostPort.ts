/**
 * An emulator address `host:port` (IPv6 in brackets, port 1-65535); unset or blank is
 * undefined. Anything else is the caller's own usage error, naming the flag or variable.
 */
export function hostPort(name: string, raw: string | undefined, usageError: (message: string) => Error): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const match = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[1]) > 65535) {
    throw usageError(`${name} must be host:port (e.g. 127.0.0.1:8085), got "${value}"`);
  }
  return value;
}
