import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterStore } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { EventRepublisher } from '../replay/event-republisher';
import { dismissDeadLetter, retryDeadLetter, retryOpenDeadLetters } from './dead-letter-retries';
import { DismissDeadLetterDto, ListDeadLettersQuery, RetryDeadLettersDto } from './dto/dead-letter-filters.dto';

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
  @ApiOperation({ summary: 'Events a service gave up on, with the reason (newest 500 first)' })
  list(@Query() filter: ListDeadLettersQuery) {
    return this.deadLetters.list(filter);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one open dead letter through the pipeline again (after fixing its cause); 409 when it is not open' })
  retry(@Param('id', ParseUUIDPipe) id: string) {
    return retryDeadLetter(this.deadLetters, this.republisher, id);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an open dead letter as dealt with by hand (optionally saying how); 409 when it is not open or retrying' })
  dismiss(@Param('id', ParseUUIDPipe) id: string, @Body() { reason }: DismissDeadLetterDto) {
    return dismissDeadLetter(this.deadLetters, id, reason);
  }

  @Post('retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry every open dead letter (optionally of one connection): counts of events retried and failed' })
  retryAll(@Body() { connectionId }: RetryDeadLettersDto) {
    return retryOpenDeadLetters(this.deadLetters, this.republisher, connectionId);
  }
}
