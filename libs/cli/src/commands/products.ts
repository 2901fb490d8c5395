import { apiPath } from '../api-client';
import type { PinResult, ProductLink } from '../api-types';
import { flagOption, integerOption } from '../args';
import type { Command } from '../command';
import { EXIT, onNewerRoute } from '../errors';
import { renderTable } from '../output';

const list: Command = {
  path: ['products'],
  summary: 'Store products beside the Zoho items they map to',
  positionals: [{ name: 'connectionId' }],
  options: [{ name: 'unmapped', kind: 'boolean', description: 'Only products without a Zoho item' }],
  examples: ['connector products 6f1c…', 'connector products 6f1c… --unmapped'],
  async run({ api, out }, args) {
    const all = await api.get<ProductLink[]>(apiPath('connections', args.positionals[0], 'products'));
    const products = flagOption(args, 'unmapped') ? all.filter((p) => !p.zohoItemId) : all;
    out.result(products, () => {
      if (products.length === 0) return out.line('No products match.');
      out.lines(renderTable(products, [
        { header: 'PRODUCT', value: (p) => p.productId, align: 'right' },
        { header: 'VARIATION', value: (p) => p.variationId || null, align: 'right' },
        { header: 'SKU', value: (p) => p.sku },
        { header: 'NAME', value: (p) => p.name, max: 40 },
        { header: 'ZOHO ITEM', value: (p) => p.zohoItemId },
        { header: 'MATCHED BY', value: (p) => p.matchedBy },
        { header: 'PINNED', value: (p) => p.pinned },
      ]));
    });
    return EXIT.ok;
  },
};

const pin: Command = {
  path: ['products', 'pin'],
  summary: 'Pin a product (or one variation) to a chosen Zoho item; pinned links are never re-matched',
  positionals: [{ name: 'connectionId' }, { name: 'productId' }, { name: 'zohoItemId' }],
  options: [{ name: 'variation', kind: 'integer', placeholder: '<variationId>', description: 'The variation of a variable product' }],
  examples: ['connector products pin 6f1c… 812 460000000026049', 'connector products pin 6f1c… 812 460000000026050 --variation 815'],
  async run({ api, out }, args) {
    const [connectionId, productId, zohoItemId] = args.positionals;
    const result = await api.put<PinResult>(apiPath('connections', connectionId, 'products', productId), {
      zohoItemId,
      variationId: integerOption(args, 'variation'),
    });
    out.result(result, () => {
      const target = result.variationId ? `Product ${result.productId} variation ${result.variationId}` : `Product ${result.productId}`;
      out.line(`${target} is pinned to Zoho item ${result.zohoItemId}.`);
    });
    return EXIT.ok;
  },
};

/** What `DELETE …/products/:productId/pin` answers. */
interface UnpinResult {
  productId: number;
  variationId: number;
  pinned: false;
  zohoItemId: null;
}

const unpin: Command = {
  path: ['products', 'unpin'],
  summary: 'Unpin a product (or one variation) so it is matched to a Zoho item automatically again',
  positionals: [{ name: 'connectionId' }, { name: 'productId' }],
  options: [{ name: 'variation', kind: 'integer', placeholder: '<variationId>', description: 'The variation of a variable product' }],
  details: [
    'The link forgets its Zoho item (the item itself stays in Zoho). The next order with the product,',
    'or `connector catalog sync`, matches it again: another product with its SKU, Zoho by SKU, then by',
    'name, else a new item. Refused (exit 1, with the reason) when the product is not pinned or has no link.',
  ],
  examples: ['connector products unpin 6f1c… 812', 'connector products unpin 6f1c… 812 --variation 815'],
  async run({ api, out }, args) {
    const [connectionId, productId] = args.positionals;
    const result = await onNewerRoute('unpinning', () =>
      api.request<UnpinResult>('DELETE', apiPath('connections', connectionId, 'products', productId, 'pin'), {
        query: { variationId: integerOption(args, 'variation') },
      }));
    out.result(result, () => {
      const target = result.variationId ? `Product ${result.productId} variation ${result.variationId}` : `Product ${result.productId}`;
      out.line(`${target} is no longer pinned; its next order matches it by SKU, then name.`);
      out.line(`To match it now: connector catalog sync ${connectionId}`);
    });
    return EXIT.ok;
  },
};

export const productCommands = [list, pin, unpin];
