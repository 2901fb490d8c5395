import { OptionSpec, ParsedArgs, secretFileOption } from './args';
import { UsageError } from './errors';
import { readSecretFile } from './secret-file';

export interface SecretSources {
  env: NodeJS.ProcessEnv;
  /** All of standard input; asked for at most once, since only one secret may come from it. */
  readStdin(): Promise<string>;
}

export interface SecretOptions {
  /** The parsed arguments with every secret given filled in under its option's own name. */
  args: ParsedArgs;
  /** Where each came from (`--token-file`, `CONNECTOR_TOKEN`…), for messages that must not show the value. */
  origins: Record<string, string>;
}

/**
 * Fills each secret option in from wherever the operator put it: the option itself or its file
 * form (both at once is ambiguous, so a usage error), else its environment variable. Commands
 * then read `--consumer-secret` as before, whichever form was used. Every usage check runs before
 * anything is read, so a mistake never consumes stdin.
 */
export async function readSecretOptions(
  args: ParsedArgs,
  specs: readonly OptionSpec[],
  sources: SecretSources,
  command: string,
): Promise<SecretOptions> {
  const secrets = specs.filter((spec) => spec.secret);
  for (const spec of secrets) {
    if (args.options[spec.name] !== undefined && args.options[secretFileOption(spec)] !== undefined) {
      throw new UsageError(`give --${spec.name} or --${secretFileOption(spec)}, not both`, command);
    }
  }
  const fromStdin = secrets.filter((spec) => args.options[secretFileOption(spec)] === '-');
  if (fromStdin.length > 1) {
    throw new UsageError(`only one secret can be read from stdin, not ${fromStdin.map((spec) => `--${secretFileOption(spec)}`).join(' and ')}`, command);
  }

  const options = { ...args.options };
  const origins: Record<string, string> = {};
  for (const spec of secrets) {
    const found = await findSecret(spec, args, sources, command);
    if (found) {
      options[spec.name] = found.value;
      origins[spec.name] = found.origin;
    } else if (spec.required && !args.options.help) {
      throw new UsageError(missingSecret(spec, sources.env), command);
    }
  }
  return { args: { ...args, options }, origins };
}

async function findSecret(spec: OptionSpec, args: ParsedArgs, sources: SecretSources, command: string): Promise<{ value: string; origin: string } | undefined> {
  const fileOption = secretFileOption(spec);
  const path = args.options[fileOption] as string | undefined;
  if (path !== undefined) {
    return { value: await readSecretFile(fileOption, path, sources.readStdin, command), origin: path === '-' ? `stdin (--${fileOption} -)` : `--${fileOption}` };
  }
  const flag = args.options[spec.name] as string | undefined;
  if (flag !== undefined) return { value: flag, origin: `--${spec.name}` };
  const variable = spec.secret?.env;
  // Blank counts as unset, as it always has for CONNECTOR_TOKEN and CONNECTOR_URL.
  const fromEnv = variable ? sources.env[variable]?.trim() : undefined;
  return variable && fromEnv ? { value: fromEnv, origin: variable } : undefined;
}

function missingSecret(spec: OptionSpec, env: NodeJS.ProcessEnv): string {
  const variable = spec.secret?.env;
  const forms = [`--${secretFileOption(spec)} <path>`, ...(variable ? [variable] : []), `--${spec.name}`];
  const blank = variable && env[variable] !== undefined ? ` (${variable} is set but empty)` : '';
  return `missing ${forms.slice(0, -1).join(', ')} or ${forms.at(-1)}${blank}`;
}
