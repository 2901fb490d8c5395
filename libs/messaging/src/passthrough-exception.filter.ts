import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default microservice filter turns every error into `{status:'error'}` and loses its class.
 * The settle policy needs the original error (transient? Retry-After?), so it is passed through.
 */
@Catch()
export class PassThroughExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
