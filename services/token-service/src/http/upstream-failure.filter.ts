import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { describeError, PermanentError, TransientError } from '@connector/common';
import { isRefusal, upstreamFailure } from './upstream-failure';

/**
 * Answers the failures of the store, Zoho and the other services (all of them errors of the
 * shared taxonomy) that reach a route uncaught, as upstreamFailure decides, instead of Nest's
 * bare 500: registering webhooks, reading their status and a catalogue sync need no code of
 * their own for it. HTTP only: the RPC transport keeps its own pass-through filter.
 */
@Catch(PermanentError, TransientError)
export class UpstreamFailureFilter extends BaseExceptionFilter {
  override catch(error: PermanentError | TransientError, host: ArgumentsHost): void {
    super.catch(upstreamFailure(describeError(error), isRefusal(error)), host);
  }
}
