import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { parseProjectName, parseSubscriptionName, parseTopicName } from '../../../scripts/pubsubEmulator/resourceNames';
import { StatusError } from '../../../scripts/pubsubEmulator/statusError';

const VALID_TOPICS = ['projects/demo-test/topics/orders', 'projects/demo-orders/topics/a.b-c_d~e%f+g', `projects/p1/topics/T${'x'.repeat(254)}`, 'projects/example.com:proj/topics/abc'];
const INVALID_TOPICS = [
  '',
  'orders',
  'projects/demo-test/topics/',
  'projects/demo-test/topics/ab', // too short
  'projects/demo-test/topics/1abc', // must start with a letter
  'projects/demo-test/topics/googorders', // reserved prefix
  'projects/demo-test/topics/has space',
  'projects/demo-test/subscriptions/orders',
  'projects//topics/orders',
  'projects/demo-test/topics/orders/extra',
  `projects/p1/topics/T${'x'.repeat(255)}`,
];

void test('valid topic names parse into project and id', () => {
  for (const name of VALID_TOPICS) {
    const parsed = parseTopicName(name);
    assert.equal(parsed.name, name);
    assert.equal(`projects/${parsed.project}/topics/${parsed.id}`, name);
  }
});

void test('malformed topic names are INVALID_ARGUMENT', () => {
  for (const name of INVALID_TOPICS) {
    assert.throws(() => parseTopicName(name), (e: unknown) => e instanceof StatusError && e.code === status.INVALID_ARGUMENT, name);
  }
  assert.throws(() => parseTopicName(undefined), StatusError);
});

void test('subscription names follow the same rules under subscriptions/', () => {
  assert.deepEqual(parseSubscriptionName('projects/demo-test/subscriptions/orders-sub'), { project: 'demo-test', id: 'orders-sub', name: 'projects/demo-test/subscriptions/orders-sub' });
  assert.throws(() => parseSubscriptionName('projects/demo-test/topics/orders-sub'), StatusError);
});

void test('project names', () => {
  assert.equal(parseProjectName('projects/demo-test'), 'demo-test');
  for (const bad of ['demo-test', 'projects/', 'projects/a/b', undefined]) assert.throws(() => parseProjectName(bad), StatusError);
});
