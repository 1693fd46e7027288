/**
 * A flag's value as a whole number within [min, max] (digits only: no sign, fraction or
 * exponent); otherwise the caller's own usage error, naming the flag and the range.
 */
export function wholeNumber(flag: string, raw: string, min: number, max: number, usageError: (message: string) => Error): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}
