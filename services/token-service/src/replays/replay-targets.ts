import { BadRequestException } from '@nestjs/common';

/** Which sync service replays which resource of the audit stream. */
export const REPLAY_TARGETS = [
  { resource: 'order', service: 'invoice-sync' },
  { resource: 'customer', service: 'customer-sync' },
  { resource: 'product', service: 'catalog-sync' },
] as const;

export type ReplayResource = (typeof REPLAY_TARGETS)[number]['resource'];
export type ReplayService = (typeof REPLAY_TARGETS)[number]['service'];
export type ReplayTarget = (typeof REPLAY_TARGETS)[number];

export const REPLAY_RESOURCES = REPLAY_TARGETS.map((t) => t.resource);
export const REPLAY_SERVICES = REPLAY_TARGETS.map((t) => t.service);

/** The services a replay goes to: the one of the resource or service named, else all three. */
export function replayTargets(resource?: ReplayResource, service?: ReplayService): ReplayTarget[] {
  const targets = REPLAY_TARGETS.filter((t) => (!resource || t.resource === resource) && (!service || t.service === service));
  if (targets.length === 0) {
    const owner = REPLAY_TARGETS.find((t) => t.resource === resource)!.service;
    throw new BadRequestException(`${resource} events are replayed by ${owner}, not ${service}`);
  }
  return targets;
}
