import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterStore } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { EventRepublisher } from '../replay/event-republisher';
import { ListDeadLettersQuery, RetryDeadLettersDto } from './dto/dead-letter-filters.dto';

@ApiTags('dead letters')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    private readonly republisher: EventRepublisher,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Events a service gave up on, with the reason (newest first)' })
  list(@Query() filter: ListDeadLettersQuery) {
    return this.deadLetters.list(filter);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one dead letter through the pipeline again (after fixing its cause)' })
  async retry(@Param('id', ParseUUIDPipe) id: string) {
    const letter = await this.deadLetters.get(id);
    if (!letter) throw new NotFoundException(`Dead letter ${id} does not exist`);
    await this.deadLetters.markRetrying([id]);
    return this.republisher.republish(Number(letter.streamSeq), `dead letter ${id}: ${letter.reason}`);
  }

  @Post('retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry every open dead letter (optionally of one connection)' })
  async retryAll(@Body() { connectionId }: RetryDeadLettersDto) {
    const letters = await this.deadLetters.list({ connectionId, status: 'open' });
    await this.deadLetters.markRetrying(letters.map((l) => l.id));
    // One republish per stream sequence, even when several consumers dead-lettered it.
    const seqs = [...new Set(letters.map((l) => Number(l.streamSeq)))].sort((a, b) => a - b);
    const retried = [];
    for (const seq of seqs) retried.push(await this.republisher.republish(seq, 'retry of all dead letters'));
    return { retried: retried.length, events: retried };
  }
}
