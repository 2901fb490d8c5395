import { BadGatewayException, BadRequestException, HttpException } from '@nestjs/common';
import { PermanentError, ReauthorizationRequiredError } from '@connector/common';

/**
 * The one place that decides how a failed call to the store, Zoho or another Connector service
 * answers an admin API request: always with the reason in words, and
 * - 400 when it was refused (keys or a Zoho client turned down, a missing permission, a revoked
 *   authorization): asking again cannot help until someone fixes what the reason names;
 * - 502 when it did not answer or failed on its side: asking again later may work.
 * 401/403 are kept for the admin token itself (the CLI reads them so).
 */
export function upstreamFailure(reason: string, refused: boolean): HttpException {
  return refused ? new BadRequestException(reason) : new BadGatewayException(reason);
}

/**
 * Whether a thrown failure is a refusal, by the shared error taxonomy: permanent errors (retrying
 * cannot help; the class crosses NATS, so a catalog-sync failure keeps it) and a revoked Zoho
 * authorization, which the event pipeline waits out but a person must fix before a request works.
 */
export function isRefusal(error: unknown): boolean {
  return error instanceof PermanentError || error instanceof ReauthorizationRequiredError;
}
