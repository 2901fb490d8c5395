import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { StartReplayDto } from './dto/start-replay.dto';
import { ReplaysService } from './replays.service';

@ApiTags('replays')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post('connections/:id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay recorded events through the services again, from a stream sequence or a time',
    description: 'Each target service reads the events on a new consumer; already-synced events change nothing. A dry run lists the writes it would make and makes none.',
  })
  start(@Param('id') id: string, @Body() dto: StartReplayDto) {
    return this.replays.start(id, dto);
  }

  @Get('connections/:id/replays')
  @ApiOperation({ summary: "The connection's latest replays, newest first (without their planned writes)" })
  list(@Param('id') id: string) {
    return this.replays.list(id);
  }

  @Get('replays/:replayId')
  @ApiOperation({ summary: 'Progress of a replay: processed of total, failures, and for a dry run the writes it would make' })
  get(@Param('replayId') replayId: string) {
    return this.replays.get(replayId);
  }
}
