import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The compiled entry point, next to this file's parent directory in dist/. */
export const CLI_MAIN = join(__dirname, '..', 'main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Variables on top of a clean environment (no CONNECTOR_* leaks in from the developer's shell). */
  env?: Record<string, string>;
  /** Defaults to an empty directory, so no .connector/local.env is found by accident. */
  cwd?: string;
  /** Piped to the CLI's standard input, which is otherwise empty. */
  stdin?: string;
}

/**
 * Runs the CLI as a separate process, exactly as a user would. Asynchronous on purpose: the fake
 * admin API lives in the test process and must keep answering while the CLI waits.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'connector-cli-')),
    env: { PATH: process.env.PATH ?? '', CONNECTOR_POLL_INTERVAL_MS: '5', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.stdin ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export type Cli = (args: string[], options?: RunOptions) => Promise<CliRun>;

/** A runner pointed at one admin API with one token, for tests that exercise commands; `options` add to it. */
export function cliFor(url: string, token: string): Cli {
  return (args, options = {}) => runCli(args, { ...options, env: { CONNECTOR_URL: url, CONNECTOR_TOKEN: token, ...options.env } });
}
