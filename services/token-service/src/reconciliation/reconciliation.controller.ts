import { StoreClients } from '@connector/platform';
import { Controller, Get, HttpCode, HttpException, HttpStatus, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConnectionStore } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { ReconcileService } from './reconcile.service';
import { WebhookHealthService } from './webhook-health.service';

@ApiTags('reconciliation')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/connections/:id')
export class ReconciliationController {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly reconcile: ReconcileService,
    private readonly clients: StoreClients,
    private readonly webhooks: WebhookHealthService,
  ) {}

  @Post('reconcile')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sweep now: feed orders and customers changed since the checkpoint that the pipeline lacks, orders whose refunds differ from the credit notes booked, credits waiting for a sent invoice; repair webhooks',
  })
  @ApiOkResponse({
    description:
      'The sweep (SweepResult): `orders` and `customers` (`examined`, `published`, `duplicates`, `inStep`, `checkpoint`, `error`), ' +
      '`credits` (`awaiting`, `published`, `gone`, `error`), `refunds` (`ran`: false when not due, always true on a manual sweep; ' +
      '`examined`: orders created in the last 90 days read; `published`; `duplicates`: of those, already in the audit stream; `error`) ' +
      'and `webhooks` (`healthy`, `repaired`, `problems`, `error`)',
  })
  @ApiResponse({ status: 502, description: 'The store failed part-way: the same body, `ok` false, the failed parts with `error`' })
  @ApiConflictResponse({ description: 'Another instance is sweeping this connection' })
  async sweep(@Param('id') id: string) {
    const result = await this.reconcile.sweepNow(id);
    // The counts of what did work matter even when the store failed part-way, so they are the body.
    if (!result.ok) throw new HttpException(result, HttpStatus.BAD_GATEWAY);
    return result;
  }

  @Get('webhooks')
  @ApiOperation({ summary: "Status of the store's webhooks for this connection (disabled, paused, missing or old-secret ones are problems)" })
  async webhookStatus(@Param('id') id: string) {
    const connection = await this.connections.find(id);
    if (!connection) throw new NotFoundException(`Connection ${id} does not exist`);
    return this.webhooks.status(connection, this.clients.forConnection(connection));
  }
}
