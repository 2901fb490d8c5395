import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ItemMatch = 'sku' | 'name' | 'created' | 'pinned';

/**
 * Store product (or variation) → Zoho item. `productId` -1 and -2 are the synthetic "Shipping"
 * and "Fee" items of a connection. A pinned link was chosen by a person and is never re-matched.
 */
@Entity({ name: 'item_links' })
@Index(['connectionId', 'productId', 'variationId'], { unique: true })
@Index(['connectionId', 'sku'])
export class ItemLinkEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'product_id', type: 'bigint' })
  productId: string;

  /** 0 when not a variation. */
  @Column({ name: 'variation_id', type: 'bigint', default: 0 })
  variationId: string;

  @Column({ type: 'text', nullable: true })
  sku: string | null;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'zoho_item_id', type: 'text', nullable: true })
  zohoItemId: string | null;

  @Column({ name: 'matched_by', type: 'text', nullable: true })
  matchedBy: ItemMatch | null;

  @Column({ type: 'boolean', default: false })
  pinned: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
