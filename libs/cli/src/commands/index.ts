import type { Command } from '../command';
import { backfill } from './backfill';
import { catalogCommands } from './catalog';
import { connect } from './connect';
import { connectionCommands } from './connections';
import { deadLetterCommands } from './dead-letters';
import { orderCommands } from './orders';
import { productCommands } from './products';
import { reconcile } from './reconcile';
import { replay } from './replay';
import { settings } from './settings';
import { status } from './status';
import { usage } from './usage';

/** Every command, in the order `connector --help` lists them. */
export const COMMANDS: readonly Command[] = [
  connect,
  ...connectionCommands,
  settings,
  status,
  usage,
  ...orderCommands,
  ...deadLetterCommands,
  replay,
  reconcile,
  backfill,
  ...catalogCommands,
  ...productCommands,
];
