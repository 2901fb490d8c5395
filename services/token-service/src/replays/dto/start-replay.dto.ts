import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional } from 'class-validator';
import { IsWholeNumber } from '../../validation/whole-number';
import { REPLAY_RESOURCES, REPLAY_SERVICES, ReplayResource, ReplayService } from '../replay-targets';

export class StartReplayDto {
  @ApiPropertyOptional({ description: 'Audit stream sequence to start at (default 1); not together with fromTime', example: 1200 })
  @IsOptional()
  @IsWholeNumber({ min: 1 })
  fromSeq?: number;

  @ApiPropertyOptional({ description: 'Start at the first event stored at or after this time; not together with fromSeq', example: '2026-01-05T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  fromTime?: string;

  @ApiPropertyOptional({ enum: REPLAY_RESOURCES, description: 'Only these events (default: all three)' })
  @IsOptional()
  @IsIn(REPLAY_RESOURCES)
  resource?: ReplayResource;

  @ApiPropertyOptional({ enum: REPLAY_SERVICES, description: 'Only through this service (default: all three)' })
  @IsOptional()
  @IsIn(REPLAY_SERVICES)
  service?: ReplayService;

  @ApiPropertyOptional({ description: 'Report what would be written to Zoho, writing nothing', default: false })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
