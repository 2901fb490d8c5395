import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { BackfillService } from './backfill.service';
import { sinceInstant, StartBackfillDto } from './dto/start-backfill.dto';

@ApiTags('reconciliation')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api')
export class BackfillController {
  constructor(private readonly backfills: BackfillService) {}

  @Post('connections/:id/backfill')
  @HttpCode(202)
  @ApiOperation({ summary: 'Import the orders modified since a date, paced to the Zoho quota; follow it at /api/backfills/{jobId}' })
  start(@Param('id') id: string, @Body() dto: StartBackfillDto) {
    return this.backfills.start(id, sinceInstant(dto.since));
  }

  @Get('backfills/:jobId')
  @ApiOperation({ summary: 'Progress of a backfill' })
  get(@Param('jobId') jobId: string) {
    return this.backfills.get(jobId);
  }
}
