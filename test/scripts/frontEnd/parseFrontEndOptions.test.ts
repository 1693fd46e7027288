import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FRONT_END_HELP, FrontEndOptionsError, parseFrontEndOptions } from '../../../scripts/frontEnd/parseFrontEndOptions';

const CMD = ['--', 'npx', 'functions-framework', '--target=f'];

describe('parseFrontEndOptions', () => {
  it('defaults: Cloud Run functions\' (request billing, 15 min idle, 0.1/s sampled, 60 s timeout)', () => {
    assert.deepEqual(parseFrontEndOptions(CMD), {
      host: '127.0.0.1',
      port: 8080,
      billing: 'request',
      idleShutdownMs: 900_000,
      sampleRate: 0.1,
      timeoutMs: 60_000,
      command: ['npx', 'functions-framework', '--target=f'],
      help: false,
    });
  });

  it('reads every flag; the command keeps its own flags', () => {
    const o = parseFrontEndOptions(['--port', '0', '--billing', 'instance', '--idle-shutdown', '1.5', '--front-end-sample-rate', '2', '--timeout', '0.5', '--', 'node', 'x.js', '--port=1']);
    assert.deepEqual([o.port, o.billing, o.idleShutdownMs, o.sampleRate, o.timeoutMs, o.command], [0, 'instance', 1500, 2, 500, ['node', 'x.js', '--port=1']]);
  });

  const bad: [string[], RegExp][] = [
    [['--billing', 'cpu', ...CMD], /--billing must be one of request, instance, got "cpu"/],
    [['--idle-shutdown', '0', ...CMD], /--idle-shutdown must be a number of seconds above 0/],
    [['--idle-shutdown', '-1', ...CMD], /--idle-shutdown/],
    [['--timeout', '3601', ...CMD], /--timeout must be a number of seconds above 0, at most 3600/],
    [['--timeout', '1e3', ...CMD], /--timeout/],
    [['--front-end-sample-rate', 'lots', ...CMD], /--front-end-sample-rate must be a number/],
    [['--port', '65536', ...CMD], /--port must be a whole number from 0 to 65535/],
    [['--bogus', ...CMD], /bogus/],
    [['--port', '8080'], /no function command: put it after --/],
    [['--port', '8080', '--'], /no function command/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.slice(0, 2).join(' ')}`, () => assert.throws(() => parseFrontEndOptions(argv), (err: Error) => err instanceof FrontEndOptionsError && message.test(err.message)));
  }

  it('--help needs no command, and the help names every flag', () => {
    assert.equal(parseFrontEndOptions(['--help']).help, true);
    for (const flag of ['--port', '--billing', '--idle-shutdown', '--front-end-sample-rate', '--timeout', '--help']) assert.ok(FRONT_END_HELP.includes(flag), flag);
  });
});
