import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiUnavailableError, UsageError } from './errors';

export const DEFAULT_URL = 'http://127.0.0.1:3001';
/** Written by `npm start` in the repository root; holds the generated ADMIN_TOKEN. */
export const LOCAL_ENV_FILE = join('.connector', 'local.env');

export interface Settings {
  /** Base URL of token-service, without a trailing slash. */
  url: string;
  token: string;
  /** Where the token came from, so an authentication error can say which one to fix. */
  tokenSource: string;
}

interface SettingsInput {
  url?: string;
  /** The token as secret-options.ts found it: from --token, --token-file or CONNECTOR_TOKEN. */
  token?: string;
  tokenSource?: string;
}

/** Flags win over the environment, which wins over the local file `npm start` wrote. */
export function resolveSettings(flags: SettingsInput, env: NodeJS.ProcessEnv, cwd: string): Settings {
  const url = parseUrl(flags.url ?? nonEmpty(env.CONNECTOR_URL) ?? DEFAULT_URL);
  if (flags.token) return { url, token: flags.token, tokenSource: flags.tokenSource ?? '--token' };
  const fromFile = readLocalToken(join(cwd, LOCAL_ENV_FILE));
  if (fromFile) return { url, token: fromFile, tokenSource: LOCAL_ENV_FILE };
  throw new ApiUnavailableError(
    `no admin token: set CONNECTOR_TOKEN or pass --token-file <path> (or run from the directory where \`npm start\` wrote ${LOCAL_ENV_FILE})`,
  );
}

function parseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`the admin API URL "${raw}" is not a URL (expected e.g. ${DEFAULT_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the admin API URL must be http or https, not ${parsed.protocol}`);
  }
  // Routes already start with /api; accept a URL copied from the docs that ends with it too.
  return parsed.toString().replace(/\/+$/, '').replace(/\/api$/, '');
}

function readLocalToken(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*ADMIN_TOKEN\s*=\s*(.*?)\s*$/.exec(line);
    if (match) return nonEmpty(match[1].replace(/^(['"])(.*)\1$/, '$2'));
  }
  return undefined;
}

const nonEmpty = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
