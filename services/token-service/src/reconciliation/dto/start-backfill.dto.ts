import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

export class StartBackfillDto {
  @ApiProperty({ example: '2026-01-01', description: 'Orders modified from this day (or ISO time, UTC unless it says otherwise) on are read from the store' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date such as 2026-01-01 or 2026-01-01T00:00:00Z' })
  since: string;
}
