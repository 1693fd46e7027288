import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

export type FlagValues = Record<string, string | boolean | undefined>;
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict command-line flags (no positionals) for the scripts' front ends. An unknown or
 * malformed flag becomes the caller's own usage error, which only its CLI turns into exit 2.
 */
export function parseFlags(argv: readonly string[], options: FlagOptions, usageError: (message: string) => Error): FlagValues {
  observer?.(options);
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
}

let observer: ((options: FlagOptions) => void) | undefined;

/**
 * The flags (`--name`, and `-x` for a short form) that `parse` hands to parseFlags: what a
 * command accepts, read from its own parser rather than from a second list that could
 * drift (the docs test compares them with `--help` and the doc pages). Whatever `parse`
 * throws after parseFlags saw the options (a missing required flag) is ignored.
 */
export function flagsAccepted(parse: () => unknown): string[] {
  const seen: string[] = [];
  observer = (options) => {
    for (const [name, option] of Object.entries(options)) {
      seen.push(`--${name}`);
      if (option.short !== undefined) seen.push(`-${option.short}`);
    }
  };
  try {
    parse();
  } catch {
    // The options were recorded before anything could throw.
  } finally {
    observer = undefined;
  }
  return seen;
}
