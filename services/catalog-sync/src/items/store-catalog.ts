import type { WooClient } from '@connector/woocommerce';
import { identityOfProduct, ItemIdentity, isSellable } from './item-identity';

/**
 * Everything a store sells, page by page: simple (and external) products, and each variation of
 * a variable product as an item of its own. Sorted by id so products added during a long walk
 * do not shift the pages already read.
 */
export async function* storeCatalog(woo: WooClient): AsyncGenerator<ItemIdentity> {
  for await (const product of woo.listProducts({ orderBy: 'id', order: 'asc' })) {
    if (product.type === 'variable') {
      for await (const variation of woo.listVariations(product.id)) yield identityOfProduct(variation, product);
    } else if (isSellable(product)) {
      yield identityOfProduct(product);
    }
  }
}
