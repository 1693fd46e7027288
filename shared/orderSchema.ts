/** The one schema for an incoming order; every problem is reported at once. */
import { z } from 'zod';
import type { OrderInput } from './order';

const MAX_ITEMS = 100;

const orderItemSchema = z.strictObject({
  sku: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  unitPrice: z
    .number()
    .nonnegative('must not be negative')
    .max(1_000_000, 'must be at most 1000000')
    // Cents, not fractions of them: totals must add up exactly in every currency we accept.
    .refine((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6, 'must have at most 2 decimals'),
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

/** Validates `input` (already JSON-decoded) against the order schema. Never throws. */
export function parseOrderInput(input: unknown): ParseResult {
  const result = orderInputSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => describeIssue(issue, input)) };
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.');
  const where = path || 'body';
  if (issue.code === 'unrecognized_keys') {
    return `${path ? `${path}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  }
  if (issue.code === 'invalid_type') {
    if (valueAt(input, issue.path) === undefined) return `${where}: is required`;
    if (issue.expected === 'int') return `${where}: must be a whole number`;
    return `${where}: must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
