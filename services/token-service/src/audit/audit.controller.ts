import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditTrail, ConnectionStore } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { AuditTrailQuery, EventsQuery } from './dto/audit.query';
import { StreamReader } from './stream-reader';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/connections/:id')
export class AuditController {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly stream: StreamReader,
    private readonly audit: AuditTrail,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Deliveries recorded in the audit stream for this connection, from a sequence' })
  async events(@Param('id') id: string, @Query() query: EventsQuery) {
    await this.requireConnection(id);
    return this.stream.deliveries(id, query);
  }

  @Get('audit')
  @ApiOperation({ summary: "What the services did with this connection's events (newest first)" })
  async trail(@Param('id') id: string, @Query() { limit }: AuditTrailQuery) {
    await this.requireConnection(id);
    return this.audit.recent(id, limit);
  }

  @Get('audit/:resource/:resourceId')
  @ApiOperation({ summary: 'The story of one order, customer or product' })
  async story(@Param('id') id: string, @Param('resource') resource: string, @Param('resourceId') resourceId: string) {
    await this.requireConnection(id);
    return this.audit.forResource(id, resource, resourceId);
  }

  private async requireConnection(id: string) {
    if (!(await this.connections.find(id))) throw new NotFoundException(`Connection ${id} does not exist`);
  }
}
