/** A value an earlier `capture` step read from gcloud's stdout, referred to by name. */
export interface ValueRef {
  readonly ref: string;
}

/** One argv element: a literal, or literal parts with captured values spliced in. */
export type Arg = string | { readonly parts: readonly (string | ValueRef)[] };
export type Argv = readonly Arg[];

/**
 * One step of a deploy. Every command is a gcloud argv array (run without a shell).
 * - `run`: always runs; what it does is idempotent (enable, bind, deploy, update).
 *   `attempts` > 1 retries it after a pause (grants to a service account created moments ago).
 * - `ensure`: `check` (a describe) exits 0 when the resource exists; only otherwise `create` runs.
 *   With `existsWhen: 'prints'` the check is a filtered list: the resource exists when it prints something.
 * - `require`: `check` must exit 0; if not, the deploy stops and prints `hint` (what we
 *   deliberately do not create for the user).
 * - `capture`: its trimmed stdout becomes the value `name` that later steps reference.
 * - `remove` (the undo): `check` as for `ensure`; only when the resource exists does
 *   `delete` run, so a resource already gone is not an error. With `captureAs`, the
 *   check's first line of output is that value for `delete` (an index's generated id).
 */
export type GcloudStep =
  | { readonly kind: 'run'; readonly title: string; readonly argv: Argv; readonly attempts?: number }
  | {
      readonly kind: 'ensure';
      readonly title: string;
      readonly check: Argv;
      readonly create: Argv;
      /** `exit-0` (default): a describe; `prints`: a filtered list, which exits 0 either way and prints only what exists. */
      readonly existsWhen?: 'exit-0' | 'prints';
    }
  | { readonly kind: 'require'; readonly title: string; readonly check: Argv; readonly hint: string }
  | { readonly kind: 'capture'; readonly title: string; readonly name: string; readonly argv: Argv }
  | {
      readonly kind: 'remove';
      readonly title: string;
      /** What goes: `topic orders`, `function create-order`. */
      readonly resource: string;
      readonly check: Argv;
      readonly delete: Argv;
      readonly existsWhen?: 'exit-0' | 'prints';
      readonly captureAs?: string;
    };

export function valueRef(name: string): ValueRef {
  return { ref: name };
}

/** Tagged template for an argument that contains captured values: arg`--member=x-${REF}@y`. */
export function arg(strings: TemplateStringsArray, ...values: readonly (string | ValueRef)[]): Arg {
  const parts: (string | ValueRef)[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    const value = values[i];
    if (value !== undefined) parts.push(value);
  });
  return parts.every((p) => typeof p === 'string') ? parts.join('') : { parts };
}

/** The commands a step may run, in the order it may run them. */
export function stepCommands(step: GcloudStep): readonly Argv[] {
  switch (step.kind) {
    case 'ensure':
      return [step.check, step.create];
    case 'remove':
      return [step.check, step.delete];
    case 'require':
      return [step.check];
    default:
      return [step.argv];
  }
}

/** Names of the captured values an argv refers to. */
export function refsOf(argv: Argv): readonly string[] {
  return argv.flatMap((a) => (typeof a === 'string' ? [] : a.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.ref]))));
}

/** The argv with captured values filled in; a value not captured yet is a planning bug. */
export function resolveArgv(argv: Argv, values: ReadonlyMap<string, string>): string[] {
  return argv.map((a) =>
    typeof a === 'string'
      ? a
      : a.parts
          .map((p) => {
            if (typeof p === 'string') return p;
            const value = values.get(p.ref);
            if (value === undefined) throw new Error(`deploy plan: $${p.ref} is used before a step captures it`);
            return value;
          })
          .join(''),
  );
}
