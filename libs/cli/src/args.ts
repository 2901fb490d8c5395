import { UsageError } from './errors';

/**
 * A deliberately small argument parser (the CLI has no dependencies): long options only, as
 * `--name value` or `--name=value`, booleans as bare `--flag`, `-h` as the one short alias, and
 * `--` to end options. Every unknown option is an error, so a typo never silently changes what a
 * command does.
 */

export type OptionKind = 'string' | 'integer' | 'boolean';

export interface OptionSpec {
  /** Long name without the dashes, e.g. `from-seq`. */
  name: string;
  kind: OptionKind;
  description: string;
  /** Shown in help after the option, e.g. `<state>`; defaults to `<value>`. */
  placeholder?: string;
  required?: boolean;
  /** Marks a credential, which may also come from a file or stdin (and an environment variable). */
  secret?: SecretSpec;
}

/**
 * A secret option `--x` is also accepted as `--x-file <path>` (`-` for stdin) and, when `env` is
 * set, from that variable: a value on the command line is visible to other local users (`ps`) and
 * kept in shell history. secret-options.ts reads them after parsing; commands just read `--x`.
 */
export interface SecretSpec {
  /**
   * The variable holding it, e.g. CONNECTOR_CONSUMER_SECRET. Left out for optional secrets: a
   * variable left set in the shell would silently change what a later command does.
   */
  env?: string;
  /** Help text for where it comes from when none of its forms is given. */
  fallback?: string;
}

export interface PositionalSpec {
  name: string;
  optional?: boolean;
}

export type OptionValue = string | number | boolean;

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, OptionValue | undefined>;
}

export function parseArgs(
  argv: readonly string[],
  optionSpecs: readonly OptionSpec[],
  positionalSpecs: readonly PositionalSpec[],
  command: string,
): ParsedArgs {
  const specs = acceptedOptions(optionSpecs);
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-h') {
      options.help = true;
      continue;
    }
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const spec = specs.get(name);
    if (!spec) throw new UsageError(`unknown option --${name}`, command);
    if (spec.kind === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${name} is a switch and takes no value`, command);
      options[name] = true;
      continue;
    }
    let raw: string;
    if (equals !== -1) {
      raw = token.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      // A following option means the value was forgotten; taking `--json` as a name helps nobody.
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`, command);
      raw = next;
      i++;
    }
    options[name] = convert(spec, raw, command);
  }

  for (const spec of optionSpecs) {
    // A required secret may come from its file or variable instead: secret-options.ts checks it.
    if (spec.required && !spec.secret && options[spec.name] === undefined && !options.help) {
      throw new UsageError(`missing --${spec.name}`, command);
    }
  }
  if (!options.help) checkPositionals(positionals, positionalSpecs, command);
  return { positionals, options };
}

function convert(spec: OptionSpec, raw: string, command: string): OptionValue {
  if (raw === '') throw new UsageError(`--${spec.name} needs a value`, command);
  if (spec.kind === 'integer') {
    if (!/^\d{1,15}$/.test(raw)) throw new UsageError(`--${spec.name} must be a whole number, not "${raw}"`, command);
    return Number(raw);
  }
  return raw;
}

function checkPositionals(values: string[], specs: readonly PositionalSpec[], command: string): void {
  const required = specs.filter((spec) => !spec.optional);
  if (values.length < required.length) {
    throw new UsageError(`missing <${required[values.length].name}>`, command);
  }
  if (values.length > specs.length) {
    throw new UsageError(`unexpected argument "${values[specs.length]}"`, command);
  }
}

/** True when the command line asks for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((token) => token === '--help' || token === '-h');
}

/**
 * The words that name the command (`orders`, `retry`…). Global options may come before or between
 * them and are skipped; any other option ends the search, so in `orders --state retry` the word
 * `retry` is a value, not a subcommand. Returns each word's index so the caller can remove it.
 */
export function commandWords(argv: readonly string[], globalOptions: readonly OptionSpec[], max: number): Array<{ word: string; index: number }> {
  const globals = acceptedOptions(globalOptions);
  const words: Array<{ word: string; index: number }> = [];
  for (let i = 0; i < argv.length && words.length < max; i++) {
    const token = argv[i];
    if (token === '--') break;
    if (token === '-h') continue;
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      const spec = globals.get(token.slice(2, equals === -1 ? undefined : equals));
      if (!spec) break;
      if (spec.kind !== 'boolean' && equals === -1) i++;
      continue;
    }
    words.push({ word: token, index: i });
  }
  return words;
}

/** The name of a secret option's file form: `--consumer-secret` → `consumer-secret-file`. */
export const secretFileOption = (spec: OptionSpec) => `${spec.name}-file`;

/** Every option a command line may use by name, each secret's file form included. */
function acceptedOptions(specs: readonly OptionSpec[]): Map<string, OptionSpec> {
  return new Map(specs.flatMap((spec): Array<[string, OptionSpec]> => {
    if (!spec.secret) return [[spec.name, spec]];
    const file: OptionSpec = { name: secretFileOption(spec), kind: 'string', description: spec.description, placeholder: '<path>' };
    return [[spec.name, spec], [file.name, file]];
  }));
}

// Typed reads of parsed options: the parser already checked each value against its spec's kind.
export const stringOption = (args: ParsedArgs, name: string) => args.options[name] as string | undefined;
export const integerOption = (args: ParsedArgs, name: string) => args.options[name] as number | undefined;
export const flagOption = (args: ParsedArgs, name: string) => args.options[name] === true;
