import { FakeWooStore, type FakeWooOptions } from '../woo/fake-woo-store';
import type { FakeOrderInput } from '../woo/store-inputs';
import type { WooOrder } from '../woo/woo-json-types';
import { FakeZoho, type FakeZohoOptions, type ZohoOrg } from '../zoho/fake-zoho';
import { SANDBOX_PROFILES, type SandboxProfileName } from './seed-profiles';

export interface SandboxOptions {
  host?: string;
  /** 0 (default) picks free ports; the CLI uses 4101/4102/4103. */
  ports?: { zohoAccounts?: number; zohoApi?: number; woo?: number };
  /** Seed data set (default `us`). */
  profile?: SandboxProfileName;
  /** Extra options for the fakes (ports and host above win). */
  zoho?: FakeZohoOptions;
  woo?: FakeWooOptions;
  /** Serve POST /__sandbox/orders on the store (the CLI's `order` command uses it). Default false. */
  controlApi?: boolean;
  /**
   * The OAuth scopes the refresh token carries, as an owner's consent would grant them (`npm start`
   * passes the product's own list). Default: full access.
   */
  scopes?: readonly string[];
}

export interface Sandbox {
  zoho: FakeZoho;
  woo: FakeWooStore;
  /** The seeded Zoho organisation. */
  org: ZohoOrg;
  /** OAuth client and refresh token with access to `org`. */
  zohoClient: { clientId: string; clientSecret: string; refreshToken: string };
  profile: SandboxProfileName;
  /** Places a realistic order (random products, sometimes a coupon, a customer or a guest); fires the webhooks. */
  placeSampleOrder(overrides?: Partial<FakeOrderInput>): WooOrder;
  close(): Promise<void>;
}

/** A small deterministic PRNG, so a sandbox's sample orders are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts both fakes, seeds a store (products, a variable product, customers) and a Zoho
 * organisation with matching taxes, and issues an OAuth client + refresh token: everything
 * `npm start` needs to create a ready connection.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const profileName = options.profile ?? 'us';
  const profile = SANDBOX_PROFILES[profileName];
  if (!profile) throw new Error(`unknown sandbox profile ${profileName}`);
  const host = options.host ?? '127.0.0.1';
  const zoho = await FakeZoho.start({ ...options.zoho, host, accountsPort: options.ports?.zohoAccounts ?? 0, apiPort: options.ports?.zohoApi ?? 0 });
  let woo: FakeWooStore;
  try {
    woo = await FakeWooStore.start({ ...profile.store, ...options.woo, host, port: options.ports?.woo ?? 0, controlApi: options.controlApi ?? false });
  } catch (error) {
    await zoho.stop();
    throw error;
  }

  const org = zoho.createOrganization(profile.organization);
  const client = zoho.registerClient();
  const refreshToken = zoho.issueRefreshToken(client.clientId, [org.organization_id], options.scopes ? [...options.scopes] : undefined);

  const simple = profile.products.map((p) => woo.createProduct(p));
  const variable = profile.variableProducts.map((p) => woo.createVariableProduct(p));
  const customers = profile.customers.map((c) => woo.createCustomer(c));

  const random = prng(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sampleOrder = (): FakeOrderInput => {
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      if (random() < 0.35 && variable.length > 0) {
        const product = pick(variable);
        return { productId: product.parent.id, variationId: pick(product.variations).id, quantity: 1 + Math.floor(random() * 2) };
      }
      return { productId: pick(simple).id, quantity: 1 + Math.floor(random() * 3) };
    });
    const customer = random() < 0.6 ? pick(customers).id : { billing: { first_name: 'Alex', last_name: 'Guest', email: `guest.${Math.floor(random() * 1e6)}@example.test`, country: 'US' } };
    return {
      customer,
      lineItems: lines,
      coupons: random() < 0.3 ? [{ ...profile.coupon }] : [],
      shippingLines: [{ methodId: 'flat_rate', methodTitle: profile.shipping.methodTitle, cost: profile.shipping.cost }],
      paymentMethod: 'stripe',
      paymentMethodTitle: 'Credit card (Stripe)',
      transactionId: `ch_${Math.floor(random() * 1e12).toString(36)}`,
    };
  };
  woo.setSampleOrderFactory(sampleOrder);

  return {
    zoho,
    woo,
    org,
    zohoClient: { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken },
    profile: profileName,
    placeSampleOrder: (overrides = {}) => woo.createOrder({ ...sampleOrder(), ...overrides }),
    close: async () => {
      await Promise.all([woo.stop(), zoho.stop()]);
    },
  };
}
