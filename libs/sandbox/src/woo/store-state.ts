import { currencySymbol } from './currency-symbols';
import type { ApiKeyRecord, CustomerRecord, OrderRecord, ProductRecord, WebhookRecord } from './store-records';
import { normalizeTaxRate, type WooTaxRate, type WooTaxRateInput } from './tax-rates';
import type { StoreView } from './wp-format';

export interface StoreSettings {
  siteUrl: string;
  timeZone: string;
  currency: string;
  decimals: number;
  pricesIncludeTax: boolean;
  taxRates: WooTaxRateInput[];
  wooVersion: string;
  wpVersion: string;
}

/**
 * All records of the fake store. IDs follow WordPress: products, variations, orders and refunds
 * share one post-ID sequence; users (customers, API key owners), order items, meta rows and
 * webhooks have their own.
 */
export class WooStoreState {
  readonly keys = new Map<string, ApiKeyRecord>();
  readonly products = new Map<number, ProductRecord>();
  readonly customers = new Map<number, CustomerRecord>();
  readonly orders = new Map<number, OrderRecord>();
  readonly webhooks = new Map<number, WebhookRecord>();
  private postId = 100;
  private userId = 1;
  private orderItemId = 300;
  private metaId = 1000;
  private webhookId = 0;
  private keyId = 0;

  constructor(
    readonly settings: StoreSettings,
    readonly now: () => number,
  ) {}

  nextPostId(): number {
    return ++this.postId;
  }

  nextUserId(): number {
    return ++this.userId;
  }

  nextOrderItemId(): number {
    return ++this.orderItemId;
  }

  nextMetaId(): number {
    return ++this.metaId;
  }

  nextWebhookId(): number {
    return ++this.webhookId;
  }

  nextKeyId(): number {
    return ++this.keyId;
  }

  /** The current second: WordPress stores dates with second precision. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000) * 1000;
  }

  taxRates(): WooTaxRate[] {
    return this.settings.taxRates.map(normalizeTaxRate);
  }

  view(): StoreView {
    return {
      siteUrl: this.settings.siteUrl,
      timeZone: this.settings.timeZone,
      decimals: this.settings.decimals,
      currency: this.settings.currency,
      currencySymbol: currencySymbol(this.settings.currency),
    };
  }

  /** A product or variation by id. */
  product(id: number): ProductRecord | undefined {
    return this.products.get(id);
  }

  variationsOf(product: ProductRecord): ProductRecord[] {
    return product.variationIds.map((id) => this.products.get(id)).filter((v): v is ProductRecord => v !== undefined);
  }
}
