import type { OptionSpec } from './args';
import { SECRET_VARIABLES } from './secret-variables';

/** Accepted by every command, before or after the command's name. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', kind: 'string', placeholder: '<url>', description: 'Admin API base URL (default: $CONNECTOR_URL, else http://127.0.0.1:3001)' },
  {
    name: 'token', kind: 'string', placeholder: '<token>', description: 'Admin token',
    secret: { env: SECRET_VARIABLES.adminToken, fallback: 'ADMIN_TOKEN from ./.connector/local.env' },
  },
  { name: 'json', kind: 'boolean', description: 'Print the result as JSON on stdout, and nothing else there' },
  { name: 'help', kind: 'boolean', description: 'Show help for the command' },
];
