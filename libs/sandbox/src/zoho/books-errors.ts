/**
 * Errors of the Books API and their exact wire text. Codes and messages marked [spec] are the
 * observed/documented ones (specs/zoho-books.md §7.3); the rest are the fake's own choices where
 * Zoho's are unknown, kept in one place and listed in the README.
 */
export class BooksError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

export const BOOKS_MESSAGES = {
  /** [spec] 401 code 14 */
  unauthenticated:
    'The request could not be authenticated as the authentication value you entered is invalid. Enter a valid authentication value and try again.',
  /** [spec] 401 code 57 */
  notAuthorized: 'You are not authorized to perform this operation',
  /** [spec] 429 code 44 */
  perMinuteLimit:
    'For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization.',
  /** [spec] 429 code 45 */
  dailyLimit: (limit: number) => `The API call for this organization has exceeded the maximum call rate limit of ${limit}.`,
  /** [spec] 429 code 1070 */
  concurrency: 'You have reached the maximum number of in process requests allowed. Kindly try again after some time.',
  /** [spec] 400 code 6024 */
  multipleOrganizations:
    'This user belongs to multiple organizations, hence the parameter CompanyID/CompanyName is required for associating this user to a specific organization.',
  /** [spec] 400, code unconfirmed */
  invalidOrganization: 'Invalid value passed for organization_id',
  /** [spec] 500 code 1000 */
  internal: 'Internal error',
  /** [spec] message, code 5 unconfirmed */
  invalidUrl: 'Invalid URL Passed',
  /** [spec] code 1038, unconfirmed */
  malformedJson: 'JSON is not well formed',
  /** [spec] 400 code 3062 */
  duplicateContact: (type: string, name: string) =>
    `The ${type === 'vendor' ? 'vendor' : 'customer'} "${name}" already exists. Please specify a different name.`,
  /** [assumed] code 4 ("Invalid value passed for …" family); Zoho's wording is not documented. */
  currencyLocked: 'Currency cannot be changed for a contact with transactions.',
  /** [spec] `<Resource> does not exist.` code 1002 */
  notFound: (resource: string) => `${resource} does not exist.`,
} as const;

export const BOOKS_CODES = {
  invalidUrl: 5,
  invalidValue: 2,
  /** [assumed] The spec lists 4 and 2 for "Invalid value passed for …" (both unconfirmed). */
  currencyLocked: 4,
  unauthenticated: 14,
  notAuthorized: 57,
  perMinuteLimit: 44,
  dailyLimit: 45,
  concurrency: 1070,
  internal: 1000,
  notFound: 1002,
  malformedJson: 1038,
  duplicateContact: 3062,
  multipleOrganizations: 6024,
} as const;

/** `Invalid value passed for <field>` (+ an explanation), HTTP 400. */
export function invalidValue(field: string, detail?: string, code: number = BOOKS_CODES.invalidValue): BooksError {
  return new BooksError(400, code, `Invalid value passed for ${field}${detail ? `. ${detail}` : ''}`);
}

/** `<Resource> does not exist.`, HTTP 404, code 1002. */
export function notFound(resource: string): BooksError {
  return new BooksError(404, BOOKS_CODES.notFound, BOOKS_MESSAGES.notFound(resource));
}

/** A request the current state of the record does not allow (HTTP 400). */
export function notAllowed(message: string, code: number = BOOKS_CODES.invalidValue): BooksError {
  return new BooksError(400, code, message);
}
