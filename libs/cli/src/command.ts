import type { ApiClient } from './api-client';
import type { OptionSpec, ParsedArgs, PositionalSpec } from './args';
import type { ExitCode } from './errors';
import type { Output } from './output';

export interface CommandContext {
  api: ApiClient;
  out: Output;
  env: NodeJS.ProcessEnv;
}

/** One command of the CLI; `--help` output is generated from these fields. */
export interface Command {
  /** The words that select it, e.g. `['orders', 'retry']`. */
  path: string[];
  summary: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  /** Extra help paragraphs: what the output means, what the exit code says. */
  details?: string[];
  examples?: string[];
  run(context: CommandContext, args: ParsedArgs): Promise<ExitCode>;
}

export const commandName = (command: Command) => command.path.join(' ');
