import type { Writable } from './output';

/**
 * All of standard input as text, for a secret given as `--x-file -`. Read only when asked, so
 * every other command leaves stdin alone. On a terminal it says what it waits for, or the CLI
 * would seem to hang.
 */
export async function readStandardInput(stdin: NodeJS.ReadStream, stderr: Writable): Promise<string> {
  if (stdin.isTTY) stderr.write('connector: reading the secret from the terminal; end it with Enter, then Ctrl-D\n');
  stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of stdin) text += chunk;
  return text;
}
