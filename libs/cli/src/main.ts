#!/usr/bin/env node
import { ApiClient } from './api-client';
import { commandWords, parseArgs, stringOption, wantsHelp } from './args';
import { Command, commandName } from './command';
import { COMMANDS } from './commands';
import { ApiError, CliError, EXIT, UsageError } from './errors';
import { GLOBAL_OPTIONS } from './global-options';
import { commandHelp, globalHelp, groupHelp, usageLine } from './help';
import { Output, Writable } from './output';
import { readSecretOptions } from './secret-options';
import { resolveSettings } from './settings';
import { readStandardInput } from './standard-input';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** All of standard input, for the one secret that may be read from it. */
  readStdin(): Promise<string>;
}

/** What the command line names: one command, a group of subcommands, or nothing at all. */
type Target = { command: Command; rest: string[] } | { group: string } | { none: true };

/** Runs one invocation and returns its exit code; never throws. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const json = jsonRequested(argv);
  const out = new Output(io.stdout, io.stderr, json);
  try {
    const helpTopic = helpCommandTopic(argv);
    if (helpTopic) return showHelp(resolveTarget(helpTopic), out);
    const target = resolveTarget(argv);
    if (wantsHelp(argv)) return showHelp(target, out);
    if ('none' in target) {
      io.stderr.write(`${globalHelp(COMMANDS).join('\n')}\n`);
      return EXIT.usage;
    }
    if ('group' in target) throw new UsageError(`\`${target.group}\` needs a subcommand`, target.group);

    const { command, rest } = target;
    const options = [...command.options, ...GLOBAL_OPTIONS];
    const parsed = parseArgs(rest, options, command.positionals, commandName(command));
    const { args, origins } = await readSecretOptions(parsed, options, { env: io.env, readStdin: io.readStdin }, commandName(command));
    const api = new ApiClient(() => resolveSettings({ url: stringOption(args, 'url'), token: stringOption(args, 'token'), tokenSource: origins.token }, io.env, io.cwd));
    return await command.run({ api, out, env: io.env }, args);
  } catch (error) {
    return reportError(error, out, json);
  }
}

function resolveTarget(argv: readonly string[]): Target {
  const words = commandWords(argv, GLOBAL_OPTIONS, 2);
  if (words.length === 0) return { none: true };
  const [first, second] = words;
  const find = (path: string[]) => COMMANDS.find((command) => commandName(command) === path.join(' '));
  const without = (...indexes: number[]) => argv.filter((_, i) => !indexes.includes(i));
  const nested = second && find([first.word, second.word]);
  if (nested) return { command: nested, rest: without(first.index, second.index) };
  const single = find([first.word]);
  if (single) return { command: single, rest: without(first.index) };
  if (COMMANDS.some((command) => command.path[0] === first.word)) return { group: first.word };
  throw new UsageError(`unknown command "${first.word}"`);
}

/** `connector help [command…]` is the same as `connector [command…] --help`. */
function helpCommandTopic(argv: readonly string[]): string[] | undefined {
  const [first] = commandWords(argv, GLOBAL_OPTIONS, 1);
  return first?.word === 'help' ? argv.filter((_, i) => i !== first.index) : undefined;
}

function showHelp(target: Target, out: Output): number {
  if ('none' in target) out.lines(globalHelp(COMMANDS));
  else if ('group' in target) out.lines(groupHelp(target.group, COMMANDS));
  else out.lines(commandHelp(target.command, COMMANDS));
  return EXIT.ok;
}

function reportError(error: unknown, out: Output, json: boolean): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.failed;
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const statusCode = error instanceof ApiError ? error.statusCode : undefined;
    out.note(JSON.stringify({ error: { message, exitCode, statusCode } }));
    return exitCode;
  }
  if (!(error instanceof CliError)) {
    // Not one of ours: a bug, so the stack is worth more than a tidy sentence.
    out.note(`connector: unexpected error: ${error instanceof Error ? error.stack : message}`);
    return exitCode;
  }
  out.note(`connector: ${message}`);
  if (error instanceof UsageError) {
    const command = COMMANDS.find((candidate) => commandName(candidate) === error.command);
    if (command) out.note(`Usage: ${usageLine(command)}`);
    out.note(`Run \`connector ${error.command ? `${error.command} ` : ''}--help\` for details.`);
  }
  return exitCode;
}

/** Decided before parsing, so that even a usage error is reported in the requested format. */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

if (require.main === module) {
  // `connector orders … | head` closes the pipe early; that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    readStdin: () => readStandardInput(process.stdin, process.stderr),
  };
  run(process.argv.slice(2), io).then(
    // exitCode rather than exit(): lets a large --json document finish flushing into a pipe.
    (code) => (process.exitCode = code),
  );
}
