import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Repository } from 'typeorm';
import { describeError, Logger } from '@connector/common';
import { replayRpc, StartReplayReply, StartReplayRequest } from '@connector/contracts';
import { NatsRpcClient } from '@connector/messaging';
import { ConnectionStore, isUuid, ReplayEntity } from '@connector/persistence';
import { LOGGER } from '@connector/platform';
import { StartReplayDto } from './dto/start-replay.dto';
import { replayTargets } from './replay-targets';
import { replaySummary, replayView } from './replay.view';

/** The services answer once their consumer exists; creating one takes milliseconds. */
const START_TIMEOUT_MS = 10_000;
const LIST_LIMIT = 50;

/**
 * Starts replays of the audit stream and reports on them. Each target service gets its own row
 * first (so its progress has somewhere to go), then the start-replay RPC; the services run the
 * replay and keep their rows current. A service that cannot start it fails its part only.
 */
@Injectable()
export class ReplaysService {
  private readonly rows: Repository<ReplayEntity>;

  constructor(
    dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly rpc: NatsRpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rows = dataSource.getRepository(ReplayEntity);
  }

  async start(connectionId: string, dto: StartReplayDto): Promise<{ replayId: string }> {
    if (dto.fromSeq != null && dto.fromTime != null) throw new BadRequestException('give fromSeq or fromTime, not both');
    if (!(await this.connections.find(connectionId))) throw new NotFoundException(`Connection ${connectionId} does not exist`);
    const targets = replayTargets(dto.resource ?? undefined, dto.service ?? undefined);
    const replayId = randomUUID();
    const fromTime = dto.fromTime != null ? new Date(dto.fromTime).toISOString() : undefined;
    const fromSeq = fromTime ? undefined : (dto.fromSeq ?? 1);
    const dryRun = dto.dryRun === true;
    await this.rows.insert(
      targets.map((target) => ({
        id: replayId,
        service: target.service,
        connectionId,
        resource: target.resource,
        fromSeq: fromSeq === undefined ? null : String(fromSeq),
        fromTime: fromTime ? new Date(fromTime) : null,
        dryRun,
      })),
    );
    const request: StartReplayRequest = { replayId, connectionId, fromSeq, fromTime, dryRun };
    await Promise.all(
      targets.map(async ({ service }) => {
        try {
          const reply = await this.rpc.call<StartReplayReply>(replayRpc(service), request, START_TIMEOUT_MS);
          this.logger.info({ replayId, service, consumer: reply.consumer, total: reply.total, dryRun }, 'replay started');
        } catch (error) {
          const reason = `${service} did not start the replay: ${describeError(error)}`;
          this.logger.warn({ replayId, service, err: describeError(error) }, 'replay not started');
          await this.rows.update({ id: replayId, service, status: 'running' }, { status: 'failed', error: reason, finishedAt: new Date(), updatedAt: new Date() });
        }
      }),
    );
    return { replayId };
  }

  async get(replayId: string) {
    const rows = isUuid(replayId) ? await this.rows.find({ where: { id: replayId } }) : [];
    if (rows.length === 0) throw new NotFoundException(`Replay ${replayId} does not exist`);
    return replayView(rows);
  }

  /** The connection's latest replays, newest first, without their planned writes (see `get`). */
  async list(connectionId: string) {
    if (!(await this.connections.find(connectionId))) throw new NotFoundException(`Connection ${connectionId} does not exist`);
    const latest: Array<{ id: string }> = await this.rows.query(
      `SELECT id FROM replays WHERE connection_id = $1 GROUP BY id ORDER BY min(started_at) DESC LIMIT $2`,
      [connectionId, LIST_LIMIT],
    );
    if (latest.length === 0) return [];
    const rows = await this.rows.find({ where: { id: In(latest.map((r) => r.id)) } });
    return latest.map(({ id }) => replaySummary(rows.filter((row) => row.id === id)));
  }
}
