import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OptionSpec, parseArgs } from './args';
import { UsageError } from './errors';
import { readSecretOptions, SecretSources } from './secret-options';

const SECRET = 'cs_live_0123456789abcdef';
const OPTIONS: OptionSpec[] = [
  { name: 'consumer-secret', kind: 'string', description: '', required: true, secret: { env: 'CONNECTOR_CONSUMER_SECRET' } },
  { name: 'webhook-secret', kind: 'string', description: '', secret: {} },
];

/** Parses and reads as main.ts does; `stdin` is what standard input holds, counted when read. */
async function read(argv: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  const sources: SecretSources & { stdinReads: number } = {
    env,
    stdinReads: 0,
    readStdin: async () => {
      sources.stdinReads++;
      return stdin;
    },
  };
  const { args, origins } = await readSecretOptions(parseArgs(argv, OPTIONS, [], 'test'), OPTIONS, sources, 'test');
  return { options: args.options, origins, stdinReads: sources.stdinReads };
}

function fileHolding(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'connector-secret-')), 'secret');
  writeFileSync(path, text);
  return path;
}

/** Asserts a usage error whose message matches, and that no secret value is in it. */
async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.message, message);
    assert.equal(error.command, 'test');
    assert.ok(!error.message.includes(SECRET), error.message);
    return true;
  });
}

describe('readSecretOptions', () => {
  it('takes the option itself as before (kept for old scripts)', async () => {
    const { options, origins } = await read(['--consumer-secret', SECRET]);
    assert.equal(options['consumer-secret'], SECRET);
    assert.equal(origins['consumer-secret'], '--consumer-secret');
  });

  it('reads the file form, dropping one trailing newline (LF or CRLF) and nothing more', async () => {
    assert.equal((await read(['--consumer-secret-file', fileHolding(`${SECRET}\n`)])).options['consumer-secret'], SECRET);
    assert.equal((await read([`--consumer-secret-file=${fileHolding(`${SECRET}\r\n`)}`])).options['consumer-secret'], SECRET);
    assert.equal((await read(['--consumer-secret-file', fileHolding(` ${SECRET} `)])).options['consumer-secret'], ` ${SECRET} `);
  });

  it('reads `-` from stdin, once', async () => {
    const { options, origins, stdinReads } = await read(['--consumer-secret-file', '-'], {}, `${SECRET}\n`);
    assert.equal(options['consumer-secret'], SECRET);
    assert.equal(origins['consumer-secret'], 'stdin (--consumer-secret-file -)');
    assert.equal(stdinReads, 1);
  });

  it('falls back to the environment variable; the option or file wins over it, as --token always has', async () => {
    const env = { CONNECTOR_CONSUMER_SECRET: ` ${SECRET}\n` };
    const fromEnv = await read([], env);
    assert.equal(fromEnv.options['consumer-secret'], SECRET);
    assert.equal(fromEnv.origins['consumer-secret'], 'CONNECTOR_CONSUMER_SECRET');
    assert.equal((await read(['--consumer-secret', 'cs_flag'], env)).options['consumer-secret'], 'cs_flag');
    assert.equal((await read(['--consumer-secret-file', fileHolding('cs_file')], env)).options['consumer-secret'], 'cs_file');
  });

  it('leaves an optional secret without a variable unset when not given', async () => {
    const { options } = await read(['--consumer-secret', SECRET], { CONNECTOR_WEBHOOK_SECRET: 'ignored' });
    assert.equal(options['webhook-secret'], undefined);
  });

  it('refuses the option and its file form together, before reading anything', async () => {
    let reads = 0;
    const argv = ['--consumer-secret', SECRET, '--consumer-secret-file', '-'];
    const sources: SecretSources = { env: {}, readStdin: async () => String(++reads) };
    await rejects(readSecretOptions(parseArgs(argv, OPTIONS, [], 'test'), OPTIONS, sources, 'test'), /^give --consumer-secret or --consumer-secret-file, not both$/);
    assert.equal(reads, 0);
  });

  it('refuses two secrets from stdin', async () => {
    await rejects(read(['--consumer-secret-file', '-', '--webhook-secret-file', '-'], {}, SECRET), /^only one secret can be read from stdin, not --consumer-secret-file and --webhook-secret-file$/);
  });

  it('refuses a missing, empty or several-line file and empty stdin, without printing the path', async () => {
    // The path may be a secret given in the wrong place: --consumer-secret-file "$SECRET".
    await rejects(read(['--consumer-secret-file', SECRET]), /^--consumer-secret-file: cannot read the file \(no such file\)$/);
    await rejects(read(['--consumer-secret-file', tmpdir()]), /^--consumer-secret-file: cannot read the file \(it is a directory\)$/);
    await rejects(read(['--consumer-secret-file', fileHolding('\n')]), /^--consumer-secret-file: the file is empty$/);
    await rejects(read(['--consumer-secret-file', fileHolding(`${SECRET}\nsecond line\n`)]), /^--consumer-secret-file: the file holds more than one line; put only the secret in it$/);
    await rejects(read(['--consumer-secret-file', '-'], {}, ''), /^--consumer-secret-file: stdin is empty$/);
  });

  it('names every form of a required secret when none is given, and a blank variable as such', async () => {
    await rejects(read([]), /^missing --consumer-secret-file <path>, CONNECTOR_CONSUMER_SECRET or --consumer-secret$/);
    await rejects(read([], { CONNECTOR_CONSUMER_SECRET: ' ' }), /^missing .* or --consumer-secret \(CONNECTOR_CONSUMER_SECRET is set but empty\)$/);
  });
});
