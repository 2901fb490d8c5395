import { readFile } from 'node:fs/promises';
import { UsageError } from './errors';

/**
 * The secret held in a file, or on stdin for `-`. One trailing newline is dropped (editors and
 * `echo` add it); a file that is then blank or spread over several lines is surely not the one
 * meant, and a line break would also break the Authorization header. Messages name the option,
 * never the path: a secret passed where the path belongs (`--x-file "$SECRET"`, an easy slip when
 * moving from `--x "$SECRET"`) must not be printed back.
 */
export async function readSecretFile(option: string, path: string, readStdin: () => Promise<string>, command: string): Promise<string> {
  const source = path === '-' ? 'stdin' : 'the file';
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${option}: cannot read ${source} (${readFailure(error)})`, command);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret.trim() === '') throw new UsageError(`--${option}: ${source} is empty`, command);
  if (/[\r\n]/.test(secret)) throw new UsageError(`--${option}: ${source} holds more than one line; put only the secret in it`, command);
  return secret;
}

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && READ_FAILURES[code]) ?? code ?? 'unreadable';
}
