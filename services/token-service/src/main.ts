import 'reflect-metadata';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { formatValidationError, loadConfig } from '@connector/common';
import { bootstrapService, runMain } from '@connector/platform';
import { BadRequestException } from '@nestjs/common';
import { TokenServiceModule } from './app.module';
import { InputGuardPipe } from './http/input-guard.pipe';
import { UpstreamFailureFilter } from './http/upstream-failure.filter';
import { TokenServiceConfig } from './token-service.config';

export async function startTokenService(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(TokenServiceConfig, env);
  return bootstrapService({
    module: TokenServiceModule.forRoot(config) as never,
    service: 'token-service',
    port: config.ADMIN_PORT,
    host: config.ADMIN_HOST,
    rpc: true,
    configure: (app) => {
      app.useGlobalPipes(
        // First: what it refuses (NUL, lone surrogates, deep nesting) would crash the validator or PostgreSQL.
        new InputGuardPipe(),
        new ValidationPipe({
          whitelist: true,
          forbidNonWhitelisted: true,
          transform: true,
          // One readable sentence naming each bad field, e.g. "woocommerce.url should not be empty".
          exceptionFactory: (errors) => new BadRequestException(errors.map((e) => formatValidationError(e)).join('; ')),
        }),
      );
      app.useGlobalFilters(new UpstreamFailureFilter(app.get(HttpAdapterHost).httpAdapter));
      const document = SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Connector admin API')
          .setDescription('Connections between WooCommerce stores and Zoho Books organizations, their sync state and audit trail')
          .setVersion('1')
          .addBearerAuth()
          .build(),
      );
      SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
    },
  });
}

if (require.main === module) runMain('token-service', () => startTokenService());
