/**
 * The environment variables that may hold the CLI's secrets, in one place so that a name means
 * the same secret in every command (connect and store-keys share the store's REST secret).
 * A connection's optional secrets (its webhook secret, its alert webhook URL) have none: a variable
 * left set in the shell would silently give every later connection the same one.
 */
export const SECRET_VARIABLES = {
  adminToken: 'CONNECTOR_TOKEN',
  consumerSecret: 'CONNECTOR_CONSUMER_SECRET',
  zohoClientSecret: 'CONNECTOR_ZOHO_CLIENT_SECRET',
  zohoRefreshToken: 'CONNECTOR_ZOHO_REFRESH_TOKEN',
} as const;
