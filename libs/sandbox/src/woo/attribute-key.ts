/**
 * The key WooCommerce stores a custom attribute under, as order line meta shows it: its name
 * through `sanitize_title` (accents dropped, lower case, every other run of characters a hyphen),
 * so "Größe" is `grosse` and "Fit Type" is `fit-type`.
 */
export function attributeKey(name: string): string {
  return name
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
