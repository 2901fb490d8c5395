import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Store customer (by normalized email) → Zoho contact, so a known customer costs no lookup call. */
@Entity({ name: 'contact_links' })
@Index(['connectionId', 'email'], { unique: true })
@Index(['connectionId', 'wooCustomerId'])
export class ContactLinkEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  /** Trimmed, lower-cased. */
  @Column({ type: 'text' })
  email: string;

  /** 0 for guests. */
  @Column({ name: 'woo_customer_id', type: 'bigint', default: 0 })
  wooCustomerId: string;

  @Column({ name: 'zoho_contact_id', type: 'text' })
  zohoContactId: string;

  @Column({ name: 'contact_name', type: 'text' })
  contactName: string;

  @Column({ name: 'modified_gmt', type: 'text', nullable: true })
  modifiedGmt: string | null;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
