import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryFlag, QueryInteger } from '../../http/query-values';

/** GET /api/connections/:id/events */
export class EventsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1, description: 'Audit stream sequence to start at' })
  @QueryInteger({ min: 1 })
  fromSeq: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 50, description: 'At most this many (an answer holds 500 at the most)' })
  @QueryInteger({ min: 1 })
  limit: number = 50;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'With each delivery\'s body (true/false, 1/0)' })
  @QueryFlag()
  includeBody: boolean = false;
}

/** GET /api/connections/:id/audit */
export class AuditTrailQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 100, description: 'At most this many, the newest first (an answer holds 500 at the most)' })
  @QueryInteger({ min: 1 })
  limit: number = 100;
}
