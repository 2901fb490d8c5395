import type { INestApplication } from '@nestjs/common';
import type { NestMicroservice } from '@nestjs/microservices';
import { JetStreamTransport } from './jetstream.transport';
import { PassThroughExceptionFilter } from './passthrough-exception.filter';

/**
 * Connects the JetStream transport to a Nest app with the pass-through filter installed before
 * Nest builds the handler pipeline (filters are bound when listeners register, so they must come
 * first; otherwise handlers' errors reach the settle policy as `{status:'error'}` without a class).
 */
export function attachTransport(app: INestApplication, strategy: JetStreamTransport): NestMicroservice {
  const microservice = app.connectMicroservice({ strategy }, { deferInitialization: true }) as unknown as NestMicroservice;
  microservice.useGlobalFilters(new PassThroughExceptionFilter());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  return microservice;
}
