import { OptionSpec, secretFileOption } from './args';
import { Command, commandName } from './command';
import { GLOBAL_OPTIONS } from './global-options';
import { renderTable } from './output';

const EXIT_CODES = 'Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 admin API unreachable or token rejected.';

export function usageLine(command: Command): string {
  const required = command.options.filter((o) => o.required).map((o) => (o.secret ? `--${secretFileOption(o)} <path>` : `--${o.name} ${o.placeholder ?? '<value>'}`));
  // Spelling out eight required options makes a usage line nobody reads; the option list marks them.
  const shown = required.length > 2 ? ['<required options>'] : required;
  return ['connector', synopsis(command), ...shown, '[options]'].join(' ');
}

/** The command's words and positionals, e.g. `orders retry <connectionId> <orderId>`. */
function synopsis(command: Command): string {
  return [...command.path, ...command.positionals.map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`))].join(' ');
}

export function commandHelp(command: Command, all: readonly Command[]): string[] {
  const related = all.filter((other) => other !== command && other.path[0] === command.path[0]);
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary + '.'];
  if (command.details) lines.push('', ...command.details);
  if (command.options.length > 0) lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples) lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  if (related.length > 0) lines.push('', `See also: ${related.map((other) => `connector ${commandName(other)}`).join(', ')}`);
  return lines;
}

/** For a word that only groups subcommands, such as `dead-letters`. */
export function groupHelp(group: string, all: readonly Command[]): string[] {
  const members = all.filter((command) => command.path[0] === group);
  return [
    `Usage: connector ${group} <${members.map((command) => command.path.slice(1).join(' ')).join('|')}> [options]`,
    '',
    ...commandLines(members),
    '',
    `Run \`connector ${group} <subcommand> --help\` for its options.`,
  ];
}

export function globalHelp(all: readonly Command[]): string[] {
  return [
    "connector: operate Connector's admin API (WooCommerce → Zoho Books) from a terminal or a script.",
    '',
    'Usage: connector <command> [options]',
    '',
    'Commands:',
    ...commandLines(all),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'The admin API is found at $CONNECTOR_URL (default http://127.0.0.1:3001) with the token in',
    'CONNECTOR_TOKEN (or --token-file); without one, ADMIN_TOKEN is read from ./.connector/local.env (written by `npm start`).',
    'Secrets (tokens, REST and OAuth secrets) go in their environment variable or a file (--…-file <path>, - for stdin):',
    'given as arguments, other local users see them in `ps` and shell history keeps them.',
    EXIT_CODES,
    'Run `connector <command> --help` for its options.',
  ];
}

function commandLines(commands: readonly Command[]): string[] {
  return renderTable(commands, [
    { header: '', value: (command) => synopsis(command) },
    { header: '', value: (command) => command.summary },
  ], { headers: false, indent: 2 });
}

function optionLines(options: readonly OptionSpec[]): string[] {
  return renderTable(options.flatMap(optionRows), [
    { header: '', value: (row) => row.usage },
    { header: '', value: (row) => row.text },
  ], { headers: false, indent: 2 });
}

/** A secret is shown by its file form first: the forms to use, then the one kept for old scripts. */
function optionRows(o: OptionSpec): Array<{ usage: string; text: string }> {
  const required = o.required ? ' (required)' : '';
  const usage = o.kind === 'boolean' ? `--${o.name}` : `--${o.name} ${o.placeholder ?? '<value>'}`;
  if (!o.secret) return [{ usage, text: `${o.description}${required}` }];
  const variable = o.secret.env ? `, or env ${o.secret.env}` : '';
  const fallback = o.secret.fallback ? `, else ${o.secret.fallback}` : '';
  return [
    { usage: `--${secretFileOption(o)} <path>`, text: `${o.description}, read from a file (- for stdin)${variable}${fallback}${required}` },
    { usage, text: 'Not recommended: the same as an argument, which other local users see in `ps` and shell history keeps' },
  ];
}
