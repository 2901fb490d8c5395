import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

export class StartBackfillDto {
  @ApiProperty({ example: '2026-01-01', description: 'Orders modified from this day (or ISO time; UTC unless it names an offset) on are read from the store' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date such as 2026-01-01 or 2026-01-01T00:00:00Z' })
  since: string;
}

/**
 * The instant of `since`. JavaScript reads a date-time without an offset as server-local time;
 * the API promises UTC (as for a bare date), so such a value gets a `Z`.
 */
export function sinceInstant(since: string): Date {
  const zoneless = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(since);
  return new Date(zoneless ? `${since}Z` : since);
}
