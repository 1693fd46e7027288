import { parseArgs } from 'node:util';

export type SignatureType = 'http' | 'event' | 'cloudevent';

export interface FunctionTarget {
  /** The function functions-framework serves (`--target`, else FUNCTION_TARGET, else `function`). */
  readonly target: string;
  /** How it calls a function that was exported rather than registered (`--signature-type`, else FUNCTION_SIGNATURE_TYPE, else `http`). */
  readonly signatureType: SignatureType;
}

const SIGNATURE_TYPES: readonly string[] = ['http', 'event', 'cloudevent'];

/**
 * The target and signature type functions-framework reads from the same flags and
 * variables, with the same precedence (flag, then variable, then default): the zero-code
 * mode needs them to trace a function exported the legacy way, which functions-framework
 * looks up by that name. An unknown signature type is left to functions-framework to
 * refuse (it exits with its own message); here it reads as `http`.
 */
export function functionTarget(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): FunctionTarget {
  const { values } = parseArgs({
    args: [...argv],
    options: { target: { type: 'string' }, 'signature-type': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const flag = (name: 'target' | 'signature-type'): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const target = flag('target') ?? env.FUNCTION_TARGET ?? 'function';
  const signature = flag('signature-type') ?? env.FUNCTION_SIGNATURE_TYPE ?? 'http';
  return { target, signatureType: SIGNATURE_TYPES.includes(signature) ? (signature as SignatureType) : 'http' };
}
