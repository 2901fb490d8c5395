import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { DeadLetterEntity } from '@connector/persistence';

type DeadLetterStatus = DeadLetterEntity['status'];
export const DEAD_LETTER_STATUSES = ['open', 'retrying', 'resolved', 'dismissed'] as const satisfies readonly DeadLetterStatus[];

/**
 * Connection ids are UUIDs (the shape ConnectionStore accepts). A path naming no connection is a
 * 404; a filter that cannot name one is a 400, never an empty list (or, for a retry, all letters).
 */
const CONNECTION_FILTER = { message: 'connectionId must be a connection id (a UUID)' };

/** GET /api/dead-letters */
export class ListDeadLettersQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this connection's dead letters" })
  @IsOptional()
  @IsUUID('loose', CONNECTION_FILTER)
  connectionId?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES, { message: `status must be one of ${DEAD_LETTER_STATUSES.join(', ')}` })
  status: DeadLetterStatus = 'open';
}

/** POST /api/dead-letters/retry */
export class RetryDeadLettersDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this connection's open dead letters (default: every connection's)" })
  @IsOptional()
  @IsUUID('loose', CONNECTION_FILTER)
  connectionId?: string;
}
