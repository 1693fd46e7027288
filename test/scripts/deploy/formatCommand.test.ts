import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { formatCommand, quoteArg } from '../../../scripts/deploy/formatCommand';
import type { Arg } from '../../../scripts/deploy/gcloudStep';
import { arg, valueRef } from '../../../scripts/deploy/gcloudStep';

const N = valueRef('N');
const cases: { arg: Arg; shell: string }[] = [
  { arg: '--project=my-orders-123', shell: '--project=my-orders-123' },
  { arg: '--set-env-vars=A=1,B=0.25', shell: '--set-env-vars=A=1,B=0.25' },
  { arg: '--format=value(projectNumber)', shell: "'--format=value(projectNumber)'" },
  { arg: '--display-name=createOrder function', shell: "'--display-name=createOrder function'" },
  { arg: "it's", shell: `'it'\\''s'` },
  { arg: '', shell: "''" },
  { arg: '$HOME', shell: "'$HOME'" },
  { arg: arg`${N}`, shell: '"$N"' },
  { arg: arg`service-${N}@gcp-sa-pubsub.iam.gserviceaccount.com`, shell: '"service-$N@gcp-sa-pubsub.iam.gserviceaccount.com"' },
  { arg: arg`${N}_suffix`, shell: '"${N}_suffix"' },
  { arg: arg`a"$\`\\${N}`, shell: '"a\\"\\$\\`\\\\$N"' },
];
for (const c of cases) {
  test(`quoteArg ${JSON.stringify(c.arg)}`, () => assert.equal(quoteArg(c.arg), c.shell));
}

test('a shell reads the quoted words back as the original arguments, with captured values expanded', () => {
  const args: Arg[] = ['--format=value(a.b())', "it's", 'x y', '$HOME', '*', 'a"b', 'back\\slash', '', arg`service-${N}@x`, arg`${N}_1`];
  const result = spawnSync('/bin/sh', ['-c', `printf '%s\\n' ${formatCommand(args)}`], { encoding: 'utf8', env: { N: '42' } });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\n').slice(0, -1), ['--format=value(a.b())', "it's", 'x y', '$HOME', '*', 'a"b', 'back\\slash', '', 'service-42@x', '42_1']);
});
