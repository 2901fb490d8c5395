import { Decimal } from '../decimal/decimal';
import { attributeKey } from './attribute-key';
import { billingFrom, shippingFrom } from './order-builder';
import type { FakeCustomerInput, FakeCustomerPatch, FakeProductInput, FakeVariableProductInput, Money } from './store-inputs';
import type { CustomerRecord, ProductRecord } from './store-records';
import type { WooStoreState } from './store-state';

/** Products, variations and customers from the programmatic inputs. */

function priceText(value: Money | undefined): string {
  if (value === undefined || value === '') return '';
  return Decimal.from(value).toString();
}

function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'product'
  );
}

function uniqueSlug(state: WooStoreState, name: string): string {
  const base = slugify(name);
  const taken = new Set([...state.products.values()].map((p) => p.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** WooCommerce checks SKU uniqueness in MySQL, whose collation ignores case: "MUG-1" takes "mug-1". */
function assertUniqueSku(state: WooStoreState, sku: string, exceptId?: number): void {
  if (sku === '') return;
  for (const product of state.products.values()) {
    if (product.id !== exceptId && product.sku.toLowerCase() === sku.toLowerCase()) throw new Error(`SKU ${sku} is already used by product ${product.id}`);
  }
}

/**
 * A variation's title as WooCommerce generates it (`generate_product_title` of its variation data
 * store): "Parent - Red, M", except that the attributes are left out, so the variation is named
 * exactly like its parent, when it has 3 or more attributes, or 2 or more and one's key holds a
 * hyphen (an attribute name of two words, "Fit Type" → `fit-type`).
 */
function variationTitle(parentName: string, attributeNames: readonly string[], options: readonly string[]): string {
  const withAttributes = attributeNames.length < 3 && (attributeNames.length < 2 || !attributeNames.some((name) => attributeKey(name).includes('-')));
  const suffix = withAttributes ? options.filter((option) => option !== '').join(', ') : '';
  return suffix ? `${parentName} - ${suffix}` : parentName;
}

function categories(names: string[] = []): ProductRecord['categories'] {
  return names.map((name, i) => ({ id: 15 + i, name, slug: slugify(name) }));
}

function images(state: WooStoreState, urls: string[] = []): ProductRecord['images'] {
  return urls.map((src) => ({ id: state.nextPostId(), src, name: src.split('/').pop() ?? '', alt: '' }));
}

function baseProduct(now: number): Omit<ProductRecord, 'id' | 'type' | 'name' | 'slug'> {
  return {
    status: 'publish',
    sku: '',
    regularPrice: '',
    salePrice: '',
    taxStatus: 'taxable',
    taxClass: '',
    manageStock: false,
    stockQuantity: null,
    stockStatus: 'instock',
    virtual: false,
    downloadable: false,
    description: '',
    shortDescription: '',
    weight: '',
    categories: [],
    images: [],
    attributes: [],
    variationAttributes: [],
    variationIds: [],
    parentId: 0,
    totalSales: 0,
    meta: [],
    createdAt: now,
    modifiedAt: now,
  };
}

export function simpleProduct(state: WooStoreState, input: FakeProductInput): ProductRecord {
  const now = state.nowSeconds();
  const sku = input.sku ?? '';
  assertUniqueSku(state, sku);
  const product: ProductRecord = {
    ...baseProduct(now),
    id: state.nextPostId(),
    type: 'simple',
    name: input.name,
    slug: uniqueSlug(state, input.name),
  };
  applyProductFields(state, product, input);
  return product;
}

/** Applies a (partial) product input; used on create and on update. */
export function applyProductFields(state: WooStoreState, product: ProductRecord, input: Partial<FakeProductInput>): void {
  if (input.name !== undefined) product.name = input.name;
  if (input.sku !== undefined) {
    assertUniqueSku(state, input.sku, product.id);
    product.sku = input.sku;
  }
  if (input.regularPrice !== undefined) product.regularPrice = priceText(input.regularPrice);
  if (input.salePrice !== undefined) product.salePrice = priceText(input.salePrice);
  if (input.taxStatus !== undefined) product.taxStatus = input.taxStatus;
  if (input.taxClass !== undefined) product.taxClass = input.taxClass;
  if (input.status !== undefined) product.status = input.status;
  if (input.virtual !== undefined) product.virtual = input.virtual;
  if (input.downloadable !== undefined) product.downloadable = input.downloadable;
  if (input.manageStock !== undefined) product.manageStock = input.manageStock;
  if (input.stockQuantity !== undefined) {
    product.manageStock = true;
    product.stockQuantity = input.stockQuantity;
    product.stockStatus = input.stockQuantity > 0 ? 'instock' : 'outofstock';
  }
  if (input.description !== undefined) product.description = input.description;
  if (input.shortDescription !== undefined) product.shortDescription = input.shortDescription;
  if (input.weight !== undefined) product.weight = input.weight;
  if (input.categories !== undefined) product.categories = categories(input.categories);
  if (input.images !== undefined) product.images = images(state, input.images);
}

export function variableProduct(state: WooStoreState, input: FakeVariableProductInput): { parent: ProductRecord; variations: ProductRecord[] } {
  const now = state.nowSeconds();
  const parentSku = input.sku ?? '';
  assertUniqueSku(state, parentSku);
  const parent: ProductRecord = {
    ...baseProduct(now),
    id: state.nextPostId(),
    type: 'variable',
    name: input.name,
    slug: uniqueSlug(state, input.name),
    sku: parentSku,
    taxStatus: input.taxStatus ?? 'taxable',
    taxClass: input.taxClass ?? '',
    status: input.status ?? 'publish',
    description: input.description ?? '',
    categories: categories(input.categories),
    attributes: input.attributes.map((a, position) => ({ id: 0, name: a.name, position, visible: true, variation: true, options: [...a.options] })),
  };
  const seenSkus = new Set<string>();
  const variations = input.variations.map((v): ProductRecord => {
    const sku = v.sku ?? '';
    assertUniqueSku(state, sku);
    if (sku !== '' && (seenSkus.has(sku.toLowerCase()) || sku.toLowerCase() === parentSku.toLowerCase())) throw new Error(`duplicate SKU ${sku}`);
    if (sku !== '') seenSkus.add(sku.toLowerCase());
    for (const [name, option] of Object.entries(v.attributes)) {
      const attribute = input.attributes.find((a) => a.name === name);
      if (!attribute || !attribute.options.includes(option)) throw new Error(`variation attribute ${name}=${option} is not an option of ${input.name}`);
    }
    const variationAttributes = input.attributes
      .filter((a) => v.attributes[a.name] !== undefined)
      .map((a) => ({ id: 0, name: a.name, option: v.attributes[a.name]! }));
    return {
      ...baseProduct(now),
      id: state.nextPostId(),
      type: 'variation',
      // Every attribute of the parent is one of its variations' attributes (unset ones mean "any").
      name: variationTitle(input.name, input.attributes.map((a) => a.name), variationAttributes.map((a) => a.option)),
      slug: `${parent.slug}-${variationAttributes.map((a) => slugify(a.option)).join('-')}`,
      sku,
      regularPrice: priceText(v.regularPrice),
      salePrice: priceText(v.salePrice),
      taxStatus: parent.taxStatus,
      taxClass: v.taxClass ?? 'parent',
      virtual: v.virtual ?? false,
      variationAttributes,
      parentId: parent.id,
    };
  });
  parent.variationIds = variations.map((v) => v.id);
  return { parent, variations };
}

export function customerRecord(state: WooStoreState, input: FakeCustomerInput): CustomerRecord {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`invalid email ${input.email}`);
  for (const other of state.customers.values()) {
    if (other.email.toLowerCase() === email.toLowerCase()) throw new Error(`a customer with email ${email} already exists`);
  }
  const username = input.username ?? email.split('@')[0]!.replace(/[^a-z0-9._-]/gi, '').toLowerCase();
  if ([...state.customers.values()].some((c) => c.username === username)) throw new Error(`username ${username} is taken`);
  const now = state.nowSeconds();
  const firstName = input.firstName ?? '';
  const lastName = input.lastName ?? '';
  return {
    id: state.nextUserId(),
    email,
    firstName,
    lastName,
    username,
    role: input.role ?? 'customer',
    billing: billingFrom({ first_name: firstName, last_name: lastName, email, ...input.billing }),
    shipping: shippingFrom({ first_name: firstName, last_name: lastName, ...input.shipping }),
    isPayingCustomer: false,
    meta: [],
    createdAt: now,
    modifiedAt: now,
  };
}

export function applyCustomerPatch(customer: CustomerRecord, patch: FakeCustomerPatch): void {
  if (patch.email !== undefined) customer.email = patch.email;
  if (patch.firstName !== undefined) customer.firstName = patch.firstName;
  if (patch.lastName !== undefined) customer.lastName = patch.lastName;
  if (patch.role !== undefined) customer.role = patch.role;
  if (patch.billing !== undefined) customer.billing = billingFrom({ ...customer.billing, ...patch.billing });
  if (patch.shipping !== undefined) customer.shipping = shippingFrom({ ...customer.shipping, ...patch.shipping });
}
