/**
 * A deterministic stream of bad requests to createOrder: the same seed gives the same
 * requests, byte for byte. Each one says which status codes it may get and what the
 * JSON error must mention, so a test can check that the answer names what is wrong.
 * Every request here must be refused; one that is not is a bug in the schema (or here).
 */

export const CATEGORIES = [
  'malformed-json',
  'wrong-type',
  'missing-field',
  'extra-field',
  'out-of-range',
  'huge-number',
  'nan-like-string',
  'unicode',
  'prototype-key',
  'deep-nesting',
  'oversize',
  'content-type',
  'method',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface BadRequest {
  readonly category: Category;
  /** Short, for assertion messages: what is wrong with it. */
  readonly name: string;
  readonly method: string;
  /** Exactly the headers to send (no content-type means none is sent). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  /** The statuses it may get; all 4xx. */
  readonly status: readonly number[];
  /** Must match the JSON error (`error` and `problems` joined); unchecked for HEAD. */
  readonly mentions: RegExp;
}

export interface BadRequestOptions {
  readonly seed: number;
  readonly count: number;
  /** createOrder's MAX_BODY_BYTES. */
  readonly maxBodyBytes: number;
}

interface Item {
  sku: unknown;
  quantity: unknown;
  unitPrice: unknown;
}
interface Order {
  customerId: unknown;
  items: unknown;
  currency: unknown;
}

const JSON_TYPE = { 'content-type': 'application/json' };
// Replaced, quotes included, by a raw JSON token (numbers JSON.stringify cannot write).
const RAW = '@@RAW@@';
const STRING_FIELDS = ['customerId', 'sku', 'currency'] as const;
const NUMBER_FIELDS = ['quantity', 'unitPrice'] as const;

/** mulberry32: small, fast, and the same everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** `count` bad requests, categories in turn, generated lazily (some bodies are megabytes). */
export function* generateBadRequests(options: BadRequestOptions): Generator<BadRequest> {
  const dice = new Dice(seededRandom(options.seed));
  const perCategory = new Map<Category, number>();
  for (let i = 0; i < options.count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const n = perCategory.get(category) ?? 0;
    perCategory.set(category, n + 1);
    yield { category, ...GENERATORS[category](dice, n, options.maxBodyBytes) };
  }
}

type Generated = Omit<BadRequest, 'category'>;
type Generator_ = (dice: Dice, n: number, maxBodyBytes: number) => Generated;

/** A valid order, varied by the dice; every bad request starts from one. */
function validOrder(dice: Dice): Order & { items: Item[] } {
  const items = Array.from({ length: dice.int(1, 5) }, () => ({
    sku: `sku-${dice.int(1, 9999)}`,
    quantity: dice.int(1, 1000),
    unitPrice: dice.int(0, 100_000_000) / 100,
  }));
  return { customerId: `c-${dice.int(1, 1e6)}`, items, currency: dice.pick(['EUR', 'USD', 'GBP', 'JPY', 'CHF']) };
}

function post(body: string | Buffer, name: string, status: readonly number[], mentions: RegExp, headers: Record<string, string> = JSON_TYPE): Generated {
  return { name, method: 'POST', headers, body: typeof body === 'string' ? Buffer.from(body) : body, status, mentions };
}

/** The order as JSON, with RAW placeholders replaced by `raw`. */
function withRaw(order: unknown, raw: string): string {
  return JSON.stringify(order).replace(`"${RAW}"`, raw);
}

/** Where a field lives: `customerId`, or `items.2.sku`; sets `value` there. */
function setField(order: Order & { items: Item[] }, field: string, value: unknown, dice: Dice): string {
  if (field === 'customerId' || field === 'currency' || field === 'items') {
    (order as unknown as Record<string, unknown>)[field] = value;
    return field;
  }
  const index = dice.int(0, order.items.length - 1);
  order.items[index]![field as keyof Item] = value;
  return `items.${index}.${field}`;
}

/** A problem about `path` itself or something inside it. */
const pathPattern = (path: string): RegExp => new RegExp(`(^|\\n)${path.replace(/\./g, '\\.')}(: |\\.)`);

const malformed: Generator_ = (dice) => {
  const text = JSON.stringify(validOrder(dice));
  const defects: ReadonlyArray<[string, () => string | Buffer]> = [
    ['truncated', () => text.slice(0, dice.int(1, text.length - 1))],
    ['trailing garbage', () => text + dice.pick(['x', '}', ',', '{}', 'null', '\u0000', '//c', ' ]', '"'])],
    ['second document', () => `${text}\n${text}`],
    ['two byte order marks', () => `\uFEFF\uFEFF${text}`],
    ['UTF-16 byte order mark before UTF-8', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text)])],
    ['byte order mark inside', () => text.replace('{', '{\uFEFF')],
    ['block comment', () => text.replace('{', '{/* note */')],
    ['line comment', () => text.replace('{', '{// note\n')],
    ['single quotes', () => text.replace(/"/g, "'")],
    ['NaN literal', () => text.replace(/"quantity":\d+/, '"quantity":NaN')],
    ['Infinity literal', () => text.replace(/"unitPrice":[\d.]+/, `"unitPrice":${dice.pick(['Infinity', '-Infinity', '+Infinity'])}`)],
    ['undefined literal', () => text.replace(/"currency":"\w+"/, '"currency":undefined')],
    ['unquoted key', () => text.replace('"customerId"', 'customerId')],
    ['trailing comma', () => text.replace(/}$/, ',}')],
    ['hex number', () => text.replace(/"quantity":\d+/, '"quantity":0x10')],
    ['leading zero', () => text.replace(/"quantity":\d+/, '"quantity":007')],
    ['leading plus', () => text.replace(/"quantity":\d+/, '"quantity":+1')],
    ['bare fraction', () => text.replace(/"unitPrice":[\d.]+/, '"unitPrice":.5')],
    ['raw newline in a string', () => text.replace(/"c-/, '"c\n-')],
    ['bad escape', () => text.replace(/"c-/, '"c\\x41-')],
    ['short unicode escape', () => text.replace(/"c-/, '"c\\u12-')],
    ['top-level string', () => JSON.stringify(text)],
    ['top-level number', () => String(dice.int(0, 1e9))],
    ['top-level literal', () => dice.pick(['true', 'false', 'null'])],
    ['only whitespace', () => ' \n\t'.repeat(dice.int(1, 10))],
    ['unclosed string', () => '{"customerId":"c-1'],
    ['XML', () => '<order><customerId>c-1</customerId></order>'],
    ['form encoding', () => 'customerId=c-1&currency=EUR'],
  ];
  const [name, make] = dice.pick(defects);
  return post(make(), `malformed JSON: ${name}`, [400], /JSON/);
};

const WRONG_VALUES: readonly unknown[] = [0, 1, -1, 3.5, true, false, null, [], [1], {}, { a: 1 }, 'text', '', '1'];

function wrongTypeFor(field: string, dice: Dice): unknown {
  const candidates = WRONG_VALUES.filter((value) => {
    if (field === 'customerId' || field === 'sku' || field === 'currency') return typeof value !== 'string';
    if (field === 'quantity' || field === 'unitPrice') return typeof value !== 'number';
    if (field === 'items') return !Array.isArray(value) || value.length > 0;
    return typeof value !== 'object' || value === null || Array.isArray(value); // an item
  });
  return dice.pick(candidates);
}

const wrongType: Generator_ = (dice) => {
  const order = validOrder(dice);
  const field = dice.pick(['customerId', 'items', 'item', 'sku', 'quantity', 'unitPrice', 'currency', 'body']);
  if (field === 'body') {
    const body = dice.pick([[], [order], [1, 2]]);
    return post(JSON.stringify(body), 'wrong type: body is an array', [400], /body: must be an object/);
  }
  if (field === 'item') {
    const index = dice.int(0, order.items.length - 1);
    const value = wrongTypeFor('item', dice);
    (order.items as unknown[])[index] = value;
    return post(JSON.stringify(order), `wrong type: items.${index} = ${JSON.stringify(value)}`, [400], pathPattern(`items.${index}`));
  }
  const value = wrongTypeFor(field, dice);
  const path = setField(order, field, value, dice);
  return post(JSON.stringify(order), `wrong type: ${path} = ${JSON.stringify(value)}`, [400], pathPattern(path));
};

const missingField: Generator_ = (dice) => {
  const order = validOrder(dice) as Partial<Order> & { items: Array<Partial<Item>> };
  if (dice.chance(0.1)) return post(dice.pick(['{}', '']), 'missing: everything', [400], /customerId: is required/);
  const field = dice.pick(['customerId', 'items', 'currency', 'sku', 'quantity', 'unitPrice']);
  let path: string = field;
  if (field === 'customerId' || field === 'items' || field === 'currency') delete order[field];
  else {
    const index = dice.int(0, order.items.length - 1);
    delete order.items[index]![field as keyof Item];
    path = `items.${index}.${field}`;
  }
  return post(JSON.stringify(order), `missing: ${path}`, [400], new RegExp(`${path.replace(/\./g, '\\.')}: is required`));
};

const EXTRA_KEYS = ['discount', 'total', 'status', 'orderId', 'traceId', 'createdAt', 'processedAt', 'admin', 'isPaid', 'note', 'Currency', 'customer_id', 'items ', ' sku', '$where', '$set', 'a.b', '', 'x'.repeat(200)];

const extraField: Generator_ = (dice) => {
  const order = validOrder(dice) as Order & { items: Array<Item & Record<string, unknown>> } & Record<string, unknown>;
  const key = dice.chance(0.8) ? dice.pick(EXTRA_KEYS) : `k${dice.int(0, 1e9).toString(36)}`;
  const value = dice.pick([1, 'x', null, true, {}, [], { nested: { deeper: 1 } }]);
  if (dice.chance(0.5)) {
    order[key] = value;
    return post(JSON.stringify(order), `extra field ${JSON.stringify(key)}`, [400], /unknown field/);
  }
  const index = dice.int(0, order.items.length - 1);
  order.items[index]![key] = value;
  return post(JSON.stringify(order), `extra field items.${index}.${JSON.stringify(key)}`, [400], new RegExp(`items\\.${index}: unknown field`));
};

const OUT_OF_RANGE: Readonly<Record<string, readonly unknown[]>> = {
  customerId: ['', '   ', 'c'.repeat(129), 'a b', 'a/b', 'c-1;drop', '<script>', 'c%201'],
  sku: ['', '   ', 's'.repeat(65), 'a b', 'sku\\1', 'sku"1', 'sku<1>'],
  quantity: [0, -1, 1001, 1.5, 999.999, -1000],
  unitPrice: [-1, -0.01, 0.001, 1_000_000.01, 2_000_000, 0.125],
  currency: ['', 'eur', 'EURO', 'EU', 'E1R', 'Eur', ' EUR', '€'],
};

const outOfRange: Generator_ = (dice) => {
  const order = validOrder(dice);
  if (dice.chance(0.1)) {
    const empty = dice.chance(0.5);
    order.items = empty ? [] : Array.from({ length: dice.int(101, 300) }, () => ({ sku: 's', quantity: 1, unitPrice: 1 }));
    return post(JSON.stringify(order), empty ? 'no items' : 'too many items', [400], /items: must hold/);
  }
  const field = dice.pick(Object.keys(OUT_OF_RANGE));
  const value = dice.pick(OUT_OF_RANGE[field]!);
  const path = setField(order, field, value, dice);
  return post(JSON.stringify(order), `out of range: ${path} = ${JSON.stringify(value)}`, [400], pathPattern(path));
};

const HUGE: Readonly<Record<string, readonly string[]>> = {
  quantity: ['1e308', '-1e308', '9007199254740993', '-9007199254740993', '-0', '-0.0', '1e400', '-1e400', '1E3000', '1e-400', '2.5e0', '1e4', '1e-1', '123456789012345678901234567890', '4.9e-324', '1.7976931348623157e308'],
  unitPrice: ['1e308', '-1e308', '9007199254740993', '-0', '-0.0', '-0e0', '1e400', '-1e400', '1E3000', '1e7', '1.234e0', '4.9e-324', '9.500000001', '1000000.01', '-1e-7', '1e-7', '0.1e-5'],
};

const hugeNumber: Generator_ = (dice) => {
  const order = validOrder(dice);
  const field = dice.pick(NUMBER_FIELDS);
  const token = dice.pick(HUGE[field]!);
  const path = setField(order, field, RAW, dice);
  return post(withRaw(order, token), `huge number: ${path} = ${token}`, [400], pathPattern(path));
};

const NAN_LIKE = ['NaN', 'nan', 'Infinity', '-Infinity', '+Infinity', 'inf', '1e309', '0x10', '', '  ', '1', '2', 'null', 'undefined', '1,5', '½', '\u0663', 'Number.MAX_VALUE'];

const nanLikeString: Generator_ = (dice) => {
  const order = validOrder(dice);
  const field = dice.pick([...NUMBER_FIELDS, 'currency']);
  const value = field === 'currency' ? dice.pick(['NaN', 'nan', 'Inf', 'inf', 'N/A', '-0', '1e3']) : dice.pick(NAN_LIKE);
  const path = setField(order, field, value, dice);
  return post(JSON.stringify(order), `NaN-like string: ${path} = ${JSON.stringify(value)}`, [400], pathPattern(path));
};

// JSON escapes (so lone surrogates can be written) and the odd raw byte sequence.
const UNICODE_ESCAPES = [
  ['right-to-left override', '\\u202e'],
  ['right-to-left mark', '\\u200f'],
  ['zero-width space', '\\u200b'],
  ['zero-width joiner', '\\u200d'],
  ['word joiner', '\\u2060'],
  ['byte order mark', '\\ufeff'],
  ['emoji', '\\ud83d\\ude00'],
  ['lone high surrogate', '\\ud800'],
  ['lone low surrogate', '\\udfff'],
  ['NUL', '\\u0000'],
  ['escape control', '\\u001b'],
  ['DEL', '\\u007f'],
  ['combining accent', '\\u0301'],
  ['fullwidth letter', '\\uff25'],
  ['Cyrillic homoglyph', '\\u0415'],
  ['Hebrew letter', '\\u05d0'],
  ['Arabic letter', '\\u0627'],
  ['noncharacter', '\\uffff'],
  ['newline', '\\n'],
  ['tab', '\\t'],
  ['line separator', '\\u2028'],
] as const;
const RAW_BYTES: ReadonlyArray<[string, number[]]> = [
  ['raw emoji', [0xf0, 0x9f, 0x98, 0x80]],
  ['raw RTL override', [0xe2, 0x80, 0xae]],
  ['overlong NUL', [0xc0, 0x80]],
  ['UTF-8 encoded surrogate', [0xed, 0xa0, 0x80]],
  ['invalid byte', [0xff]],
  ['lone continuation byte', [0x80]],
];

const unicode: Generator_ = (dice) => {
  const order = validOrder(dice);
  const field = dice.pick([...STRING_FIELDS, 'key']);
  if (field === 'key') {
    const [name, escape] = dice.pick(UNICODE_ESCAPES);
    const text = JSON.stringify(order).replace('"currency"', `"curr${escape}ency"`);
    return post(text, `unicode in a key: ${name}`, [400], /unknown field/);
  }
  const path = setField(order, field, RAW, dice);
  const value = field === 'currency' ? 'EUR' : field === 'sku' ? 'sku-12' : 'c-12';
  const at = dice.int(1, value.length - 1);
  if (dice.chance(0.25)) {
    const [name, bytes] = dice.pick(RAW_BYTES);
    const [before, after] = JSON.stringify(order).split(`"${RAW}"`) as [string, string];
    const body = Buffer.concat([Buffer.from(`${before}"${value.slice(0, at)}`), Buffer.from(bytes), Buffer.from(`${value.slice(at)}"${after}`)]);
    return post(body, `unicode in ${path}: ${name}`, [400], pathPattern(path));
  }
  const [name, escape] = dice.pick(UNICODE_ESCAPES);
  const replace = field === 'currency' && dice.chance(0.5);
  const raw = `"${value.slice(0, at)}${escape}${value.slice(replace ? at + 1 : at)}"`;
  return post(withRaw(order, raw), `unicode in ${path}: ${name}`, [400], pathPattern(path));
};

const PROTO_PAYLOADS = ['{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '{"isAdmin":true,"polluted":"yes"}', '[{"polluted":"yes"}]', '"polluted"'];

const prototypeKey: Generator_ = (dice) => {
  const order = validOrder(dice);
  const key = dice.pick(['__proto__', 'constructor', 'prototype']);
  const payload = dice.pick(PROTO_PAYLOADS);
  const entry = `"${key}":${payload}`;
  const text = JSON.stringify(order);
  const where = dice.pick(['top first', 'top last', 'item', 'in customerId', 'in items', 'deep in an extra field', 'only key'] as const);
  const bodies: Record<typeof where, string> = {
    'top first': text.replace('{', `{${entry},`),
    'top last': text.replace(/}$/, `,${entry}}`),
    item: text.replace('{"sku"', `{${entry},"sku"`),
    'in customerId': text.replace(/"customerId":"[^"]*"/, `"customerId":{${entry}}`),
    'in items': text.replace(/"items":\[.*?\]/, `"items":{${entry}}`),
    'deep in an extra field': text.replace('{', `{"extra":{"a":[{"b":{${entry}}}]},`),
    'only key': `{${entry}}`,
  };
  return post(bodies[where], `${key} key, ${where}`, [400], new RegExp(`field ${key} is not allowed`));
};

const deepNesting: Generator_ = (dice, _n, maxBodyBytes) => {
  const order = validOrder(dice);
  const arrays = dice.chance(0.5);
  const overLimit = dice.chance(0.1);
  const perLevel = arrays ? 2 : 6;
  const depth = overLimit ? dice.int(Math.ceil(maxBodyBytes / perLevel) + 100, Math.ceil((2 * maxBodyBytes) / perLevel)) : dice.int(1000, Math.floor((maxBodyBytes - 400) / perLevel));
  const nested = arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const where = dice.pick(['body', 'extra field', 'items', 'item', 'customerId', 'sku'] as const);
  const places: Record<typeof where, [string, RegExp]> = {
    body: [arrays ? nested : nested.replace(/1(?=})/, JSON.stringify(order)), arrays ? /body: must be an object/ : /unknown field a|is required/],
    'extra field': [JSON.stringify(order).replace('{', `{"deep":${nested},`), /unknown field deep/],
    items: [withRaw({ ...order, items: RAW }, arrays ? `[${nested}]` : nested), arrays ? /items\.0: must be an object/ : /items: must be an array/],
    item: [withRaw({ ...order, items: [RAW] }, nested), /items\.0(: |\.)/],
    customerId: [withRaw({ ...order, customerId: RAW }, nested), /customerId: must be a string/],
    sku: [withRaw({ ...order, items: [{ ...order.items[0], sku: RAW }] }, nested), /items\.0\.sku: must be a string/],
  };
  const [body, mentions] = places[where];
  if (Buffer.byteLength(body) > maxBodyBytes) return post(body, `${depth} levels of ${arrays ? 'arrays' : 'objects'} in ${where}, over the size limit`, [413], /exceeds/);
  return post(body, `${depth} levels of ${arrays ? 'arrays' : 'objects'} in ${where}`, [400], mentions);
};

const oversize: Generator_ = (dice, n, maxBodyBytes) => {
  const text = JSON.stringify(validOrder(dice));
  // Two far-over bodies in all: enough to show they are refused, cheap enough for a test.
  const roll = dice.next();
  const size = n < 2 ? 8 * 1024 * 1024 : roll < 0.01 ? 1024 * 1024 : roll < 0.1 ? 2 * maxBodyBytes : roll < 0.55 ? maxBodyBytes + 1 : maxBodyBytes + dice.int(2, 4096);
  // Whitespace padding keeps it valid JSON: only its size is wrong.
  const body = text + ' '.repeat(size - text.length);
  if (dice.chance(0.1)) {
    return post(body, `${size} bytes as text/plain`, [413, 415], /exceeds|Content-Type/, { 'content-type': 'text/plain' });
  }
  return post(body, `${size} bytes of valid JSON`, [413], /exceeds/);
};

const CONTENT_TYPES: ReadonlyArray<[string | undefined, 'json' | 'form' | 'multipart']> = [
  ['text/plain', 'json'],
  ['text/plain; charset=utf-8', 'json'],
  ['application/x-www-form-urlencoded', 'form'],
  ['multipart/form-data; boundary=XyZ', 'multipart'],
  [undefined, 'json'],
  ['', 'json'],
  ['', 'json'],
  ['application/xml', 'json'],
  ['text/json', 'json'],
  ['application/javascript', 'json'],
  ['application/octet-stream', 'json'],
  ['application/json-patch+json', 'json'],
  ['application/jsonp', 'json'],
  ['application/x-json', 'json'],
  ['*/*', 'json'],
  ['json', 'json'],
];
// These say JSON but name a charset or encoding the body is not in: body-parser refuses them.
const JSON_BUT_NOT: ReadonlyArray<[Record<string, string>, RegExp]> = [
  [{ 'content-type': 'application/json; charset=latin1' }, /charset/],
  [{ 'content-type': 'application/json; charset=iso-8859-1' }, /charset/],
  [{ 'content-type': 'application/json; charset=bogus' }, /charset/],
  [{ 'content-type': 'application/json; charset=utf-16' }, /JSON/],
  [{ 'content-type': 'application/json; charset=utf-32' }, /JSON|charset/],
  [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, /JSON|header/],
  [{ 'content-type': 'application/json', 'content-encoding': 'compress' }, /encoding/],
];

const contentType: Generator_ = (dice) => {
  const order = validOrder(dice);
  const text = JSON.stringify(order);
  if (dice.chance(0.35)) {
    const [headers, mentions] = dice.pick(JSON_BUT_NOT);
    // A refused charset or encoding is the media type's fault (415); a body that decodes to non-JSON is a 400.
    const statuses = ['charset', 'encoding'].includes(mentions.source) ? [415] : [400, 415];
    return post(text, `JSON with ${JSON.stringify(headers)}`, statuses, mentions, headers);
  }
  const [type, shape] = dice.pick(CONTENT_TYPES);
  const body =
    shape === 'form'
      ? `customerId=${String(order.customerId)}&currency=${String(order.currency)}&items=${encodeURIComponent(JSON.stringify(order.items))}`
      : shape === 'multipart'
        ? `--XyZ\r\nContent-Disposition: form-data; name="order"\r\nContent-Type: application/json\r\n\r\n${text}\r\n--XyZ--\r\n`
        : text;
  return post(body, `content type ${type === undefined ? '(none)' : JSON.stringify(type)}`, [415], /Content-Type/, type === undefined ? {} : { 'content-type': type });
};

const method: Generator_ = (dice) => {
  const verb = dice.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
  const withBody = verb !== 'HEAD' && verb !== 'GET' ? dice.chance(0.8) : dice.chance(0.2) && verb === 'GET';
  const body = withBody ? Buffer.from(JSON.stringify(validOrder(dice))) : undefined;
  return { name: `${verb}${withBody ? ' with an order' : ''}`, method: verb, headers: withBody ? JSON_TYPE : {}, body, status: [405], mentions: /not allowed/ };
};

const GENERATORS: Readonly<Record<Category, Generator_>> = {
  'malformed-json': malformed,
  'wrong-type': wrongType,
  'missing-field': missingField,
  'extra-field': extraField,
  'out-of-range': outOfRange,
  'huge-number': hugeNumber,
  'nan-like-string': nanLikeString,
  unicode,
  'prototype-key': prototypeKey,
  'deep-nesting': deepNesting,
  oversize,
  'content-type': contentType,
  method,
};
