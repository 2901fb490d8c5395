import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { connectionView } from './connection.view';
import { ConnectionsService } from './connections.service';
import { RestoreConnectionQuery } from './dto/restore-connection.query';
import { ChangeConnectionSettingsDto, CreateConnectionDto, RotateWebhookSecretDto, UpdateWooCredentialsDto, UpdateZohoCredentialsDto } from './dto/create-connection.dto';

@ApiTags('connections')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Link a WooCommerce store to a Zoho Books organization; 409 when a connection (live or deleted) already books that store into that organization' })
  async create(@Body() dto: CreateConnectionDto) {
    return connectionView(await this.connections.create(dto), this.config.PUBLIC_URL);
  }

  @Get()
  @ApiOperation({ summary: 'All connections (never with secrets)' })
  async list() {
    return (await this.connections.list()).map((c) => connectionView(c, this.config.PUBLIC_URL));
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return connectionView(await this.connections.get(id), this.config.PUBLIC_URL);
  }

  @Delete(':id')
  @ApiOperation({ summary: "Delete the connection (restorable: its records stay) and, best effort, the store's webhooks for it; the answer lists those removed or says why not" })
  remove(@Param('id') id: string) {
    return this.connections.remove(id);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: "Bring back a deleted connection with its records, links and credentials; ?registerWebhooks=true registers the store's webhooks again" })
  restore(@Param('id') id: string, @Query() { registerWebhooks }: RestoreConnectionQuery) {
    return this.connections.restore(id, { registerWebhooks });
  }

  @Post(':id/ping')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test both sets of credentials against WooCommerce and Zoho Books' })
  ping(@Param('id') id: string) {
    return this.connections.ping(id);
  }

  @Post(':id/webhooks')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register (or repair) the store webhooks; safe to call repeatedly' })
  webhooks(@Param('id') id: string) {
    return this.connections.registerWebhooks(id);
  }

  @Post(':id/webhooks/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: "New webhook secret, the store's webhooks re-keyed with it; the old one accepted for graceMinutes (default 60, 0 after a leak)" })
  rotateWebhookSecret(@Param('id') id: string, @Body() dto: RotateWebhookSecretDto) {
    return this.connections.rotateWebhookSecret(id, dto);
  }

  @Get(':id/usage')
  @ApiOperation({ summary: "Zoho API calls made today for this connection's organization, 429s received, and its daily quota" })
  @ApiOkResponse({
    description:
      '`organizationId`, `day`, `callsToday` (Connector\'s calls since the database\'s midnight), `rejectedToday`, `blockedUntil`, ' +
      '`dailyLimit` (Zoho\'s reported limit, else `settings.zohoDailyLimit`, else null) and `quota` (null without an organization): ' +
      '`source` `zoho` (Zoho\'s own count from its X-Rate-Limit headers) or `calendar-day` (Connector\'s count since midnight, when Zoho sends none), ' +
      '`used`, `limit` and `remaining` (null for `calendar-day`), `resetsAt`, `period` (names the quota day) and `readAt` (when Zoho last reported it)',
  })
  async usage(@Param('id') id: string) {
    return this.connections.usage(id);
  }

  @Patch(':id/settings')
  @ApiOperation({ summary: 'Change settings: those given replace the stored ones, null removes one (its default applies again); the next event uses them' })
  async changeSettings(@Param('id') id: string, @Body() dto: ChangeConnectionSettingsDto) {
    return connectionView(await this.connections.changeSettings(id, dto), this.config.PUBLIC_URL);
  }

  @Put(':id/woocommerce')
  @ApiOperation({ summary: "Replace the store's REST keys (revoked or regenerated), and its address if it moved; the new keys are tried on the store first" })
  async replaceWooKeys(@Param('id') id: string, @Body() dto: UpdateWooCredentialsDto) {
    return connectionView(await this.connections.replaceWooCredentials(id, dto), this.config.PUBLIC_URL);
  }

  @Put(':id/zoho')
  @ApiOperation({ summary: 'Re-authorize Zoho (new refresh token) after a revocation; the token is tried with Zoho first, and one Zoho refuses changes nothing (400)' })
  async reauthorize(@Param('id') id: string, @Body() dto: UpdateZohoCredentialsDto) {
    return connectionView(await this.connections.reauthorize(id, dto), this.config.PUBLIC_URL);
  }
}
