import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Topology } from '@connector/contracts';
import { connectNats, ensureAuditStream } from '@connector/messaging';

export interface TestTopology {
  topology: Topology;
  nc: NatsConnection;
  /** Deletes the stream (and its consumers); the audit stream denies purges, not deletion. */
  destroy(): Promise<void>;
}

/** A uniquely named audit stream and subject prefix on the NATS server named by NATS_URL. */
export async function createTestTopology(natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'): Promise<TestTopology> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topology: Topology = { stream: `TEST_${id.toUpperCase()}`, subjectPrefix: `test-${id}` };
  const nc = await connectNats(natsUrl, `test-${id}`);
  const jsm = await jetstreamManager(nc);
  await ensureAuditStream(jsm, topology);
  return {
    topology,
    nc,
    async destroy() {
      try {
        const manager = await jetstreamManager(nc);
        await manager.streams.delete(topology.stream);
      } catch {
        // already gone
      }
      await nc.drain().catch(() => undefined);
    },
  };
}
