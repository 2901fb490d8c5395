import { Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { RPC, SyncCatalogReply, SyncCatalogRequest } from '@connector/contracts';
import { NatsRpcClient } from '@connector/messaging';
import { ConnectionStore, ItemLinkEntity } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { IsWholeNumber } from '../validation/whole-number';
import { UnpinQuery, VARIATION_ID_RULE } from './dto/unpin.query';

export class PinItemDto {
  @ApiProperty({ example: '460000000026049', description: 'The Zoho item this product must always use' })
  @IsString()
  @Matches(/^\d{1,30}$/, { message: 'zohoItemId must be a Zoho item id (digits)' })
  zohoItemId: string;

  @ApiPropertyOptional({ description: 'Variation id for a variable product (0 or absent otherwise)' })
  @IsOptional()
  @IsWholeNumber({ min: 0 }, VARIATION_ID_RULE)
  variationId?: number;
}

@ApiTags('catalog')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/connections/:id')
export class CatalogController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly rpc: NatsRpcClient,
  ) {}

  @Get('products')
  @ApiOperation({ summary: 'Store products beside their Zoho items (unmapped ones have no zohoItemId)' })
  async products(@Param('id') id: string) {
    await this.requireConnection(id);
    const links = await this.dataSource.getRepository(ItemLinkEntity).find({ where: { connectionId: id }, order: { name: 'ASC' } });
    return links.map((l) => ({
      productId: Number(l.productId),
      variationId: Number(l.variationId),
      sku: l.sku,
      name: l.name,
      zohoItemId: l.zohoItemId,
      matchedBy: l.matchedBy,
      pinned: l.pinned,
    }));
  }

  @Put('products/:productId')
  @ApiOperation({ summary: 'Pin a product (or variation) to a chosen Zoho item; pinned links are never re-matched' })
  async pin(@Param('id') id: string, @Param('productId') productId: string, @Body() dto: PinItemDto) {
    await this.requireConnection(id);
    if (!/^\d{1,18}$/.test(productId)) throw new NotFoundException(`Product ${productId} is not a product id`);
    const variationId = String(dto.variationId ?? 0);
    await this.dataSource.query(
      `INSERT INTO item_links (connection_id, product_id, variation_id, name, zoho_item_id, matched_by, pinned)
       VALUES ($1, $2, $3, $4, $5, 'pinned', true)
       ON CONFLICT (connection_id, product_id, variation_id) DO UPDATE
         SET zoho_item_id = EXCLUDED.zoho_item_id, matched_by = 'pinned', pinned = true, updated_at = now()`,
      [id, productId, variationId, `product ${productId}`, dto.zohoItemId],
    );
    return { productId: Number(productId), variationId: Number(variationId), zohoItemId: dto.zohoItemId, pinned: true };
  }

  /**
   * Gives a pinned product back to automatic matching: the link forgets its item, so catalog-sync
   * resolves it afresh (another product's SKU, Zoho by SKU, then name, else a new item) on the
   * product's next order or the next catalogue import. One statement, so a concurrent pin or
   * resolution either happened before (and is undone) or after (and stands).
   */
  @Delete('products/:productId/pin')
  @ApiOperation({
    summary: 'Unpin a product (or variation): its item is forgotten and it is matched again by SKU, then name, on its next order or catalogue import',
    description: '404 for a product (or variation) without a link, 409 when its link is not pinned.',
  })
  async unpin(@Param('id') id: string, @Param('productId') productId: string, @Query() { variationId }: UnpinQuery) {
    await this.requireConnection(id);
    if (!/^\d{1,18}$/.test(productId)) throw new NotFoundException(`Product ${productId} is not a product id`);
    const [, unpinned]: [unknown, number] = await this.dataSource.query(
      `UPDATE item_links SET pinned = false, zoho_item_id = NULL, matched_by = NULL, updated_at = now()
        WHERE connection_id = $1 AND product_id = $2 AND variation_id = $3 AND pinned`,
      [id, productId, variationId],
    );
    if (unpinned === 0) {
      const product = variationId > 0 ? `Product ${productId} variation ${variationId}` : `Product ${productId}`;
      const link = await this.dataSource.getRepository(ItemLinkEntity).findOneBy({ connectionId: id, productId, variationId: String(variationId) });
      if (!link) throw new NotFoundException(`${product} has no item link on this connection`);
      const current = link.zohoItemId
        ? `it already uses Zoho item ${link.zohoItemId}${link.matchedBy ? ` (matched by ${link.matchedBy})` : ''}`
        : 'it gets a Zoho item automatically on its next order';
      throw new ConflictException(`${product} is not pinned, so there is nothing to unpin; ${current}`);
    }
    return { productId: Number(productId), variationId, pinned: false, zohoItemId: null };
  }

  @Post('catalog/sync')
  @HttpCode(200)
  @ApiOperation({ summary: "Read the store's products and resolve their Zoho items now" })
  async sync(@Param('id') id: string) {
    await this.requireConnection(id);
    return this.rpc.call<SyncCatalogReply>(RPC.syncCatalog, { connectionId: id } satisfies SyncCatalogRequest, 10 * 60_000);
  }

  private async requireConnection(id: string) {
    if (!(await this.connections.find(id))) throw new NotFoundException(`Connection ${id} does not exist`);
  }
}
