import type { CreateOrganizationInput } from '../zoho/organization';
import type { FakeCustomerInput, FakeProductInput, FakeVariableProductInput } from '../woo/store-inputs';
import type { WooTaxRateInput } from '../woo/tax-rates';

/**
 * Realistic starting data for the built-in sandbox: a store and a Zoho organisation whose taxes
 * match the store's rates by percentage (which is how the connector maps them).
 *   us: USD, Los Angeles, prices without tax, California state tax 7.25 %.
 *   eu: EUR, Berlin, prices including tax, 19 % standard and 7 % reduced (food) VAT.
 */
export type SandboxProfileName = 'us' | 'eu';

export interface SandboxProfile {
  store: { timeZone: string; currency: string; decimals: number; pricesIncludeTax: boolean; taxRates: WooTaxRateInput[] };
  organization: CreateOrganizationInput;
  products: FakeProductInput[];
  variableProducts: FakeVariableProductInput[];
  customers: FakeCustomerInput[];
  shipping: { methodTitle: string; cost: string };
  coupon: { code: string; type: 'percent'; amount: string };
}

const customers: FakeCustomerInput[] = [
  {
    email: 'jane.doe@example.test',
    firstName: 'Jane',
    lastName: 'Doe',
    billing: { address_1: '1 High Street', address_2: 'Flat 2', city: 'Bristol', postcode: 'BS1 1AA', country: 'GB', phone: '+44 117 000 0000' },
  },
  {
    email: 'joao.silva@example.test',
    firstName: 'João',
    lastName: 'Silva',
    billing: { company: 'Café Brasil Ltda', address_1: 'Av. Brasil, 432', city: 'Rio de Janeiro', state: 'RJ', postcode: '12345-000', country: 'BR' },
  },
  {
    email: 'kim.lee@example.test',
    firstName: 'Kim',
    lastName: 'Lee',
    billing: { address_1: '969 Market', city: 'San Francisco', state: 'CA', postcode: '94103', country: 'US', phone: '(555) 555-5555' },
  },
];

export const SANDBOX_PROFILES: Record<SandboxProfileName, SandboxProfile> = {
  us: {
    store: {
      timeZone: 'America/Los_Angeles',
      currency: 'USD',
      decimals: 2,
      pricesIncludeTax: false,
      taxRates: [{ id: 1, rate: '7.2500', label: 'CA State Tax', country: 'US', state: 'CA', shipping: true }],
    },
    organization: {
      name: 'Sandbox Coffee Co.',
      currencyCode: 'USD',
      timeZone: 'America/Los_Angeles',
      taxes: [
        { name: 'CA State Tax', percentage: '7.25' },
        { name: 'LA County Tax', percentage: '2.25' },
        { name: 'Zero Rate', percentage: 0 },
      ],
      taxGroups: [{ name: 'CA + LA County', taxNames: ['CA State Tax', 'LA County Tax'] }],
    },
    products: [
      { name: 'Blue Mug 350ml', sku: 'MUG-BLUE-350', regularPrice: '12.50', categories: ['Mugs'], weight: '0.4' },
      { name: 'Espresso Beans 1kg', sku: 'BEANS-ESP-1KG', regularPrice: '24.90', categories: ['Coffee'] },
      { name: 'Pour-Over Kettle 1l', sku: 'KETTLE-1L', regularPrice: '49.00', salePrice: '44.00', categories: ['Equipment'] },
      { name: 'Gift Card $25', sku: 'GIFT-25', regularPrice: '25.00', virtual: true, taxStatus: 'none', categories: ['Gift Cards'] },
    ],
    variableProducts: [
      {
        name: 'Barista T-Shirt',
        sku: 'TSHIRT',
        categories: ['Clothing'],
        attributes: [
          { name: 'Color', options: ['Black', 'White'] },
          { name: 'Size', options: ['S', 'M', 'L'] },
        ],
        variations: ['Black', 'White'].flatMap((color) =>
          ['S', 'M', 'L'].map((size) => ({
            sku: `TSHIRT-${color.slice(0, 3).toUpperCase()}-${size}`,
            regularPrice: size === 'L' ? '21.99' : '19.99',
            attributes: { Color: color, Size: size },
          })),
        ),
      },
    ],
    customers,
    shipping: { methodTitle: 'Flat rate', cost: '4.99' },
    coupon: { code: 'welcome10', type: 'percent', amount: '10' },
  },
  eu: {
    store: {
      timeZone: 'Europe/Berlin',
      currency: 'EUR',
      decimals: 2,
      pricesIncludeTax: true,
      taxRates: [
        { id: 1, rate: '19.0000', label: 'MwSt.', country: 'DE', shipping: true },
        { id: 2, rate: '7.0000', label: 'MwSt. ermäßigt', country: 'DE', class: 'reduced-rate', shipping: false },
      ],
    },
    organization: {
      name: 'Sandbox Kaffee GmbH',
      currencyCode: 'EUR',
      timeZone: 'Europe/Berlin',
      taxes: [
        { name: 'MwSt. 19%', percentage: 19 },
        { name: 'MwSt. 7%', percentage: 7 },
        { name: 'Steuerfrei', percentage: 0 },
      ],
    },
    products: [
      { name: 'Tasse Blau 350ml', sku: 'MUG-BLUE-350', regularPrice: '12.90', categories: ['Tassen'] },
      { name: 'Espressobohnen 1kg', sku: 'BEANS-ESP-1KG', regularPrice: '24.90', taxClass: 'reduced-rate', categories: ['Kaffee'] },
      { name: 'Wasserkocher 1l', sku: 'KETTLE-1L', regularPrice: '49.00', salePrice: '44.00', categories: ['Zubehör'] },
      { name: 'Gutschein 25 €', sku: 'GIFT-25', regularPrice: '25.00', virtual: true, taxStatus: 'none', categories: ['Gutscheine'] },
    ],
    variableProducts: [
      {
        name: 'Barista T-Shirt',
        sku: 'TSHIRT',
        categories: ['Kleidung'],
        attributes: [
          { name: 'Farbe', options: ['Schwarz', 'Weiß'] },
          { name: 'Größe', options: ['S', 'M', 'L'] },
        ],
        variations: ['Schwarz', 'Weiß'].flatMap((color) =>
          ['S', 'M', 'L'].map((size) => ({
            sku: `TSHIRT-${color === 'Schwarz' ? 'BLK' : 'WHT'}-${size}`,
            regularPrice: size === 'L' ? '24.90' : '22.90',
            attributes: { Farbe: color, Größe: size },
          })),
        ),
      },
    ],
    customers,
    shipping: { methodTitle: 'Versand', cost: '4.20' },
    coupon: { code: 'willkommen10', type: 'percent', amount: '10' },
  },
};
