import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Strict command-line flags (no positionals) for the scripts' front ends. An unknown or
 * malformed flag becomes the caller's own usage error, which only its CLI turns into exit 2.
 */
export function parseFlags(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usageError: (message: string) => Error,
): FlagValues {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
}
