import type { OptionSpec } from './args';
import { Command, commandName } from './command';
import { GLOBAL_OPTIONS } from './global-options';
import { renderTable } from './output';

const EXIT_CODES = 'Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 admin API unreachable or token rejected.';

export function usageLine(command: Command): string {
  const required = command.options.filter((o) => o.required).map((o) => `--${o.name} ${o.placeholder ?? '<value>'}`);
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
    '$CONNECTOR_TOKEN; without one, ADMIN_TOKEN is read from ./.connector/local.env (written by `npm start`).',
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
  return renderTable(options, [
    { header: '', value: (o) => (o.kind === 'boolean' ? `--${o.name}` : `--${o.name} ${o.placeholder ?? '<value>'}`) },
    { header: '', value: (o) => `${o.description}${o.required ? ' (required)' : ''}` },
  ], { headers: false, indent: 2 });
}
