/**
 * The exit codes are part of the CLI's contract with scripts, so every failure is one of these
 * classes and main.ts maps it to its code in a single place.
 */
export const EXIT = {
  ok: 0,
  /** The request was understood but the operation failed (API error, failed ping, failed order…). */
  failed: 1,
  /** The command line itself is wrong; nothing was sent. */
  usage: 2,
  /** The admin API could not be reached or refused our token. */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  /** `command` names the command whose usage line is worth showing, when known. */
  constructor(message: string, readonly command?: string) {
    super(message, EXIT.usage);
  }
}

/** Network failure, timeout, or 401/403: the operator must fix the URL, the token or the service. */
export class ApiUnavailableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unavailable);
  }
}

/** The admin API answered with an error status; `message` is the server's own explanation. */
export class ApiError extends CliError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    readonly serverMessage: string,
    /** The whole answer: a partial result comes with some errors (a sweep the store failed part-way is a 502 with its counts). */
    readonly body?: unknown,
  ) {
    super(`${serverMessage} (${method} ${path} answered ${statusCode})`, EXIT.failed);
  }

  /**
   * Nest answers `Cannot POST /api/…` for a route it does not have, while a missing resource gets
   * a sentence from the controller. Telling them apart lets us say "upgrade the server" instead of
   * "not found" when an older token-service lacks an endpoint.
   */
  get isMissingRoute(): boolean {
    return this.statusCode === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE) \//.test(this.serverMessage);
  }
}

/**
 * A call to a route an older token-service lacks: its 404 `Cannot POST …` becomes "update
 * token-service" rather than "not found", which reads like a wrong id. `what` names the feature.
 */
export async function onNewerRoute<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.isMissingRoute) {
      throw new CliError(`this admin API does not offer ${what} yet (${error.method} ${error.path} answered 404); update token-service`, EXIT.failed);
    }
    throw error;
  }
}
