import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { DeadLetterStatus } from '@connector/persistence';

export const DEAD_LETTER_STATUSES = ['open', 'retrying', 'resolved', 'dismissed', 'superseded'] as const satisfies readonly DeadLetterStatus[];

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

/** POST /api/dead-letters/:id/dismiss */
export class DismissDeadLetterDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'What was done about it (kept with the letter)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
