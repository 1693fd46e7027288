/** The one schema for an incoming order; every problem is reported at once. */
import { z } from 'zod';
import type { OrderInput } from './order';

const MAX_ITEMS = 100;
// A response that lists thousands of problems helps nobody and costs bandwidth; the
// first few say what to fix.
const MAX_PROBLEMS = 20;
// Client-chosen key names are echoed in problems; a 60 KB key name is not.
const MAX_ECHOED_KEY = 40;
const MAX_ECHOED_KEYS = 10;
// Keys that mean something to JavaScript objects. JSON.parse makes them plain own
// properties and the schema would drop them, but code that later copies or merges
// the body could turn them into prototype pollution, so they are refused by name.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const orderItemSchema = z.strictObject({
  // Identifiers are ASCII: a lone surrogate, NUL, bidi override or zero-width character
  // in a SKU is a client bug (and Firestore would store a lone surrogate as U+FFFD).
  sku: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9._:/#-]*$/, 'may contain only letters, digits and . _ : / # -'),
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  unitPrice: z
    .number()
    .nonnegative('must not be negative')
    // -0 passes nonnegative(); no client means it, and it would be stored as -0.
    .refine((value) => !Object.is(value, -0), 'must not be negative')
    .max(1_000_000, 'must be at most 1000000')
    // Cents, not fractions of them: totals must add up exactly in every currency we accept.
    // Exact: the value must be the double nearest to some two-decimal number, so neither
    // 9.500000001 nor 5e-324 slips through a tolerance.
    .refine((value) => Number(value.toFixed(2)) === value, 'must have at most 2 decimals'),
});

const orderInputSchema = z.strictObject({
  customerId: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(/^[\w.:@-]*$/, 'may contain only letters, digits and . _ : @ -'),
  items: z.array(orderItemSchema).min(1, 'must hold at least one item').max(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as EUR'),
});

export type ParseResult = { readonly ok: true; readonly value: OrderInput } | { readonly ok: false; readonly problems: string[] };

/**
 * Validates `input` (already JSON-decoded) against the order schema. Never throws.
 * Problems name the field and the rule, never the offending value, so they can be
 * logged and recorded without copying order contents.
 */
export function parseOrderInput(input: unknown): ParseResult {
  const result = orderInputSchema.safeParse(input);
  // Every object in an order is strict, so a reserved key anywhere already fails the
  // parse as an unknown one: valid orders (the hot path) are not walked a second time.
  if (result.success) return { ok: true, value: result.data };
  const problems = [...reservedKeyProblems(input), ...result.error.issues.flatMap((issue) => describeIssue(issue, input) ?? [])];
  if (problems.length <= MAX_PROBLEMS) return { ok: false, problems };
  return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`] };
}

/** The issue as a problem; undefined when reservedKeyProblems already said it. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string | undefined {
  const path = issue.path.map(String).join('.');
  const where = path || 'body';
  if (issue.code === 'unrecognized_keys') {
    // A reserved key is also an unknown one; it is reported once, as reserved.
    const keys = issue.keys.filter((key) => !RESERVED_KEYS.has(key));
    if (keys.length === 0) return undefined;
    const shown = keys.slice(0, MAX_ECHOED_KEYS).map(echoKey).join(', ');
    const more = keys.length > MAX_ECHOED_KEYS ? ` and ${keys.length - MAX_ECHOED_KEYS} more` : '';
    return `${path ? `${path}: ` : ''}unknown field${keys.length > 1 ? 's' : ''} ${shown}${more}`;
  }
  if (issue.code === 'invalid_type') {
    const value = valueAt(input, issue.path);
    if (value === undefined) return `${where}: is required`;
    if (typeof value === 'number' && issue.expected === 'number') return `${where}: must be a finite number`;
    if (issue.expected === 'int') return `${where}: must be a whole number`;
    return `${where}: must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  return `${where}: ${issue.message}`;
}

/** A key as it may appear in a problem: JSON-quoted only when it needs to be, and short. */
function echoKey(key: string): string {
  const short = key.length > MAX_ECHOED_KEY ? `${key.slice(0, MAX_ECHOED_KEY)}…` : key;
  return /^[\w.:@$-]+$/.test(short) ? short : JSON.stringify(short);
}

/** A path to a value, built backwards so that walking deep input costs no string per level. */
interface PathNode {
  readonly key: string;
  readonly parent: PathNode | undefined;
}

/**
 * Every reserved key, at any depth, as `path: field __proto__ is not allowed`.
 * Iterative, so a body nested thousands of levels deep cannot overflow the stack.
 */
function reservedKeyProblems(input: unknown): string[] {
  const problems: string[] = [];
  const stack: Array<[unknown, PathNode | undefined]> = [[input, undefined]];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const [value, path] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) {
        const where = formatPath(path);
        problems.push(`${where ? `${where}: ` : ''}field ${key} is not allowed`);
      } else {
        stack.push([(value as Record<string, unknown>)[key], { key, parent: path }]);
      }
    }
  }
  return problems;
}

/** `items.0.sku`; a path thousands of levels deep is shortened in the middle. */
function formatPath(path: PathNode | undefined): string {
  const keys: string[] = [];
  for (let node = path; node; node = node.parent) keys.push(echoKey(node.key));
  keys.reverse();
  return keys.length <= 8 ? keys.join('.') : [...keys.slice(0, 3), `…(${keys.length - 5} levels)…`, ...keys.slice(-2)].join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
