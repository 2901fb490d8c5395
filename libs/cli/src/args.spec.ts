import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandWords, OptionSpec, parseArgs, wantsHelp } from './args';
import { UsageError } from './errors';

const OPTIONS: OptionSpec[] = [
  { name: 'state', kind: 'string', description: '' },
  { name: 'from-seq', kind: 'integer', description: '' },
  { name: 'all', kind: 'boolean', description: '' },
  { name: 'since', kind: 'string', description: '', required: true },
];
const GLOBALS: OptionSpec[] = [
  { name: 'url', kind: 'string', description: '' },
  { name: 'json', kind: 'boolean', description: '' },
];
const parse = (argv: string[]) => parseArgs(argv, OPTIONS, [{ name: 'id' }, { name: 'other', optional: true }], 'test');

describe('parseArgs', () => {
  it('reads --name value, --name=value, switches and integers', () => {
    assert.deepEqual(parse(['c1', '--state', 'failed', '--from-seq=12', '--all', '--since', '2026-01-01']), {
      positionals: ['c1'],
      options: { state: 'failed', 'from-seq': 12, all: true, since: '2026-01-01' },
    });
  });

  it('treats everything after -- as positional', () => {
    assert.deepEqual(parse(['--since', 'x', '--', '--not-an-option']).positionals, ['--not-an-option']);
  });

  it('rejects unknown options, missing values, bad integers and switch values', () => {
    const cases: Array<[string[], RegExp]> = [
      [['c1', '--since', 'x', '--nope'], /unknown option --nope/],
      [['c1', '--since'], /--since needs a value/],
      [['c1', '--state', '--all', '--since', 'x'], /--state needs a value/],
      [['c1', '--since', 'x', '--from-seq', '-3'], /--from-seq must be a whole number/],
      [['c1', '--since', 'x', '--all=yes'], /--all is a switch/],
      [['c1'], /missing --since/],
      [['--since', 'x'], /missing <id>/],
      [['a', 'b', 'c', '--since', 'x'], /unexpected argument "c"/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parse(argv), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '));
    }
  });

  it('skips required checks when help is asked for', () => {
    assert.equal(parse(['-h']).options.help, true);
  });

  it("accepts a secret's file form and leaves its required check to secret-options.ts", () => {
    const secret: OptionSpec = { name: 'consumer-secret', kind: 'string', description: '', required: true, secret: { env: 'CONNECTOR_CONSUMER_SECRET' } };
    assert.deepEqual(parseArgs(['--consumer-secret-file', '-'], [secret], [], 'test').options, { 'consumer-secret-file': '-' });
    assert.deepEqual(parseArgs([], [secret], [], 'test').options, {});
    assert.throws(() => parseArgs(['--consumer-secret-file'], [secret], [], 'test'), /--consumer-secret-file needs a value/);
    assert.throws(() => parse(['c1', '--since', 'x', '--state-file', 'f']), /unknown option --state-file/, 'only secrets have a file form');
  });
});

describe('commandWords', () => {
  it('skips global options (and their values) before and between command words', () => {
    assert.deepEqual(commandWords(['--url', 'http://x', 'orders', '--json', 'retry', 'c1'], GLOBALS, 2), [
      { word: 'orders', index: 2 },
      { word: 'retry', index: 4 },
    ]);
  });

  it("skips a global secret's file form and its path", () => {
    const globals: OptionSpec[] = [...GLOBALS, { name: 'token', kind: 'string', description: '', secret: { env: 'CONNECTOR_TOKEN' } }];
    assert.deepEqual(commandWords(['--token-file', '/run/token', 'orders', 'retry'], globals, 2).map((w) => w.word), ['orders', 'retry']);
  });

  it('stops at a command option, so its value is never taken for a subcommand', () => {
    assert.deepEqual(commandWords(['orders', '--state', 'retry'], GLOBALS, 2), [{ word: 'orders', index: 0 }]);
  });
});

describe('wantsHelp', () => {
  it('sees --help and -h, but not after --', () => {
    assert.equal(wantsHelp(['orders', '--help']), true);
    assert.equal(wantsHelp(['-h']), true);
    assert.equal(wantsHelp(['orders', '--', '--help']), false);
  });
});
