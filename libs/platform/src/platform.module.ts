import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { createLogger, Logger } from '@connector/common';
import { Topology } from '@connector/contracts';
import { KeyRing, SecretBox } from '@connector/crypto';
import { connectNats, DeliveryPublisher, ensureAuditStream, NatsRpcClient } from '@connector/messaging';
import { AuditTrail, ConnectionStore, createDataSource, DeadLetterStore, ensureDatabase, EventRetryLedger, pendingMigrations, runMigrations } from '@connector/persistence';
import { databasePoolSize } from './database-pool';
import { HealthController } from './health.controller';
import { PlatformMetrics } from './metrics';
import { PlatformConfig } from './platform.config';
import { StoreClients } from './woo/store-clients';
import { JETSTREAM, LOGGER, NATS_CONNECTION, PLATFORM_CONFIG, SERVICE_NAME, TOPOLOGY } from './tokens';

export interface PlatformOptions {
  service: string;
  config: PlatformConfig;
}

/**
 * What every service needs, wired once: config, logger, PostgreSQL (migrated), NATS and
 * JetStream, the credential store, the store clients, the audit trail, dead letters, health and
 * metrics.
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Every service makes sure the audit stream exists, so start order does not matter. */
  async onModuleInit(): Promise<void> {
    await ensureAuditStream(await jetstreamManager(this.nc), this.topology, { replicas: this.config.NATS_REPLICAS });
  }

  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    const topology: Topology = { stream: config.NATS_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX };
    const logger = createLogger(service, config.LOG_LEVEL);
    return {
      module: PlatformModule,
      imports: [TerminusModule],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: SERVICE_NAME, useValue: service },
        { provide: LOGGER, useValue: logger },
        { provide: TOPOLOGY, useValue: topology },
        { provide: PlatformMetrics, useValue: new PlatformMetrics(service) },
        {
          provide: DataSource,
          useFactory: () => openDatabase(config, service, logger),
        },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(config.NATS_URL, service) },
        { provide: JETSTREAM, useFactory: (nc: NatsConnection) => jetstream(nc, { timeout: 10_000 }), inject: [NATS_CONNECTION] },
        { provide: SecretBox, useValue: new SecretBox(KeyRing.parse(config.ENCRYPTION_KEYS, config.ENCRYPTION_KEY_ID)) },
        { provide: ConnectionStore, useFactory: (ds: DataSource, box: SecretBox) => new ConnectionStore(ds, box), inject: [DataSource, SecretBox] },
        { provide: AuditTrail, useFactory: (ds: DataSource) => new AuditTrail(ds), inject: [DataSource] },
        { provide: DeadLetterStore, useFactory: (ds: DataSource) => new DeadLetterStore(ds), inject: [DataSource] },
        { provide: EventRetryLedger, useFactory: (ds: DataSource) => new EventRetryLedger(ds), inject: [DataSource] },
        StoreClients,
        { provide: NatsRpcClient, useFactory: (nc: NatsConnection) => new NatsRpcClient(nc, topology, config.RPC_TIMEOUT_MS), inject: [NATS_CONNECTION] },
        {
          provide: DeliveryPublisher,
          useFactory: (nc: NatsConnection) => new DeliveryPublisher(nc, topology, config.PUBLISH_TIMEOUT_MS),
          inject: [NATS_CONNECTION],
        },
      ],
      exports: [
        PLATFORM_CONFIG, SERVICE_NAME, LOGGER, TOPOLOGY, PlatformMetrics, DataSource, NATS_CONNECTION, JETSTREAM, SecretBox,
        ConnectionStore, AuditTrail, DeadLetterStore, EventRetryLedger, NatsRpcClient, DeliveryPublisher, StoreClients,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy().catch(() => undefined);
  }
}

async function openDatabase(config: PlatformConfig, service: string, logger: Logger): Promise<DataSource> {
  let dataSource: DataSource;
  try {
    await ensureDatabase(config.DATABASE_URL);
    dataSource = createDataSource({ url: config.DATABASE_URL, applicationName: service, poolSize: databasePoolSize(config) });
    await dataSource.initialize();
    if (config.MIGRATIONS_RUN) {
      const applied = await runMigrations(dataSource);
      if (applied.length) logger.info({ applied }, 'database migrated');
    }
  } catch (error) {
    const where = safeDbUrl(config.DATABASE_URL);
    throw new Error(
      `Cannot use PostgreSQL at ${where} (${(error as Error).message}). Start it (e.g. ` +
        '`pg_ctlcluster 15 main start` or `docker compose up postgres`) or set DATABASE_URL.',
    );
  }
  if (!config.MIGRATIONS_RUN) await refuseSchemaBehind(dataSource);
  return dataSource;
}

/**
 * With MIGRATIONS_RUN=false a migration job is expected to have run first; a service on an older
 * schema would report ready and then fail on every query that touches what is missing.
 */
async function refuseSchemaBehind(dataSource: DataSource): Promise<void> {
  const pending = await pendingMigrations(dataSource);
  if (!pending.length) return;
  await dataSource.destroy();
  throw new Error(
    `The database schema is behind this version: ${pending.length} migration(s) not applied (${pending.join(', ')}). ` +
      'Run them first (`migrate` in the image, the Helm migration job, or `node libs/persistence/dist/migrate.js`) or set MIGRATIONS_RUN=true.',
  );
}

function safeDbUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
