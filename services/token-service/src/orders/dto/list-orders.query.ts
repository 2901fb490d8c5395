import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { OrderSyncState } from '@connector/persistence';
import { QueryFlag, QueryInteger } from '../../http/query-values';

/** The most orders one answer holds, whatever `limit` asks for. */
export const ORDERS_PER_ANSWER = 1000;

export const ORDER_STATES = ['pending', 'creating', 'synced', 'voided', 'failed', 'skipped'] as const satisfies readonly OrderSyncState[];

/** GET /api/connections/:id/orders */
export class ListOrdersQuery {
  @ApiPropertyOptional({ enum: ORDER_STATES, description: 'Only orders in this state' })
  @IsOptional()
  @IsIn(ORDER_STATES, { message: `state must be one of ${ORDER_STATES.join(', ')}` })
  state?: OrderSyncState;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Only synced orders whose Zoho total differs from the order total (true/false, 1/0)' })
  @QueryFlag()
  notReconciled: boolean = false;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 100, description: `At most this many, the latest changed first (an answer holds ${ORDERS_PER_ANSWER} at the most)` })
  @QueryInteger({ min: 1 })
  limit: number = 100;
}
