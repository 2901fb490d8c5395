import { Decimal } from '../decimal/decimal';
import { currencyInfo, listCurrencyFormat } from './currencies';
import type { ContactRecord, CreditNoteRecord, InvoiceRecord, ItemRecord, PaymentRecord, TaxGroupRecord, TaxRecord } from './books-records';
import { OrgRateLimiter, type ZohoLimits } from './rate-limiter';
import type { ZohoIdSequence } from './zoho-ids';

export interface CreateOrganizationInput {
  name?: string;
  /** ISO code of the base currency. Default USD. */
  currencyCode?: string;
  /** Decimal places of amounts. Default: the currency's (2; 0 for JPY; 3 for KWD/BHD/OMR). */
  pricePrecision?: number;
  /** IANA zone; decides "today" and the timestamps' offset. Default UTC. */
  timeZone?: string;
  /** Daily request quota of the plan. Default 5000 (Professional). */
  planDailyLimit?: number;
  /** Per-minute and concurrency limits (and the daily quota, if planDailyLimit is not given). */
  limits?: Partial<ZohoLimits>;
  taxes?: Array<{ name: string; percentage: string | number; type?: 'tax' | 'compound_tax' }>;
  /** Groups of the taxes above, by tax name. */
  taxGroups?: Array<{ name: string; taxNames: string[] }>;
  /** ISO codes of currencies added besides the base one (Settings → Currencies). */
  currencies?: string[];
  contactName?: string;
  email?: string;
  planName?: string;
}

/** The organisation as returned by GET /organizations (and by `createOrganization`). */
export interface ZohoOrg {
  organization_id: string;
  name: string;
  contact_name: string;
  email: string;
  is_default_org: boolean;
  plan_type: number;
  tax_group_enabled: boolean;
  plan_name: string;
  plan_period: string;
  language_code: string;
  fiscal_year_start_month: number;
  account_created_date: string;
  time_zone: string;
  is_org_active: boolean;
  currency_id: string;
  currency_code: string;
  currency_symbol: string;
  currency_format: string;
  price_precision: number;
}

/** A currency of the organisation, as GET /settings/currencies lists it. */
export interface OrgCurrency {
  currency_id: string;
  currency_code: string;
  currency_name: string;
  currency_symbol: string;
  price_precision: number;
  /** How amounts are written, as Zoho shows it: `1,234,567.89` (see listCurrencyFormat). */
  currency_format: string;
  is_base_currency: boolean;
}

/** What POST /settings/currencies may set besides the code; the rest comes from currencies.ts. */
export interface CurrencyOptions {
  symbol?: string;
  precision?: number;
  format?: string;
}

/** One exchange rate of a currency: base units per unit of it, from `effective_date` on. */
export interface ExchangeRateRecord {
  exchange_rate_id: string;
  currency_id: string;
  effective_date: string;
  rate: Decimal;
}

/** All state of one fake organisation. */
export class ZohoOrganization {
  readonly contacts = new Map<string, ContactRecord>();
  readonly items = new Map<string, ItemRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly payments = new Map<string, PaymentRecord>();
  readonly creditNotes = new Map<string, CreditNoteRecord>();
  readonly taxes = new Map<string, TaxRecord>();
  readonly taxGroups = new Map<string, TaxGroupRecord>();
  /** Currencies added besides the base one. */
  readonly addedCurrencies: OrgCurrency[] = [];
  /** Exchange rates by currency id. */
  readonly exchangeRates = new Map<string, ExchangeRateRecord[]>();
  readonly limiter: OrgRateLimiter;
  /** Next number for `INV-000001`-style auto numbering. */
  nextInvoiceNumber = 1;
  /** Next number for `CN-00001`-style auto numbering. */
  nextCreditNoteNumber = 1;
  readonly createdAt: number;

  constructor(
    readonly info: ZohoOrg,
    limits: ZohoLimits,
    now: () => number,
  ) {
    this.createdAt = now();
    this.limiter = new OrgRateLimiter(limits, () => this.info.time_zone, now);
  }

  get id(): string {
    return this.info.organization_id;
  }

  get precision(): number {
    return this.info.price_precision;
  }

  get timeZone(): string {
    return this.info.time_zone;
  }

  /** A tax or a tax group, with the percentage it applies and its member taxes. */
  resolveTax(taxId: string): { id: string; name: string; percentage: Decimal; type: string; members: TaxRecord[] } | undefined {
    const tax = this.taxes.get(taxId);
    if (tax) return { id: tax.tax_id, name: tax.tax_name, percentage: tax.tax_percentage, type: tax.tax_type, members: [tax] };
    const group = this.taxGroups.get(taxId);
    if (!group) return undefined;
    const members = group.member_ids.map((id) => this.taxes.get(id)).filter((t): t is TaxRecord => t !== undefined);
    return {
      id: group.tax_group_id,
      name: group.tax_group_name,
      percentage: Decimal.sum(members.map((m) => m.tax_percentage)),
      type: 'tax_group',
      members,
    };
  }

  /** The currencies enabled in the org: the base currency first, then those added. */
  currencies(): OrgCurrency[] {
    const info = currencyInfo(this.info.currency_code);
    return [
      {
        currency_id: this.info.currency_id,
        currency_code: info.code,
        currency_name: `${info.code}- ${info.name}`,
        currency_symbol: info.symbol,
        price_precision: this.info.price_precision,
        currency_format: listCurrencyFormat(this.info.price_precision),
        is_base_currency: true,
      },
      ...this.addedCurrencies,
    ];
  }

  /**
   * Adds a currency (Settings → Currencies) with an id from the fake's id sequence, like every other
   * record. A code already there is refused: callers that answer HTTP check first (currencyByCode).
   */
  addCurrency(ids: ZohoIdSequence, code: string, options: CurrencyOptions = {}): OrgCurrency {
    const info = currencyInfo(code);
    if (this.currencyByCode(info.code)) throw new Error(`currency ${info.code} already exists`);
    const precision = options.precision ?? info.precision;
    const currency: OrgCurrency = {
      currency_id: ids.next(),
      currency_code: info.code,
      currency_name: `${info.code}- ${info.name}`,
      currency_symbol: options.symbol ?? info.symbol,
      price_precision: precision,
      currency_format: options.format ?? listCurrencyFormat(precision),
      is_base_currency: false,
    };
    this.addedCurrencies.push(currency);
    return currency;
  }

  currencyByCode(code: string): OrgCurrency | undefined {
    const upper = code.toUpperCase();
    return this.currencies().find((c) => c.currency_code === upper);
  }

  currency(currencyId: string): OrgCurrency | undefined {
    return this.currencies().find((c) => c.currency_id === currencyId);
  }

  /** ISO code of one of the organisation's currencies (the base one's for an unknown id). */
  currencyCodeOf(currencyId: string): string {
    return this.currency(currencyId)?.currency_code ?? this.info.currency_code;
  }

  /** The rate of a currency in effect on `date`: the latest effective on or before it. */
  rateOn(currencyId: string, date: string): ExchangeRateRecord | undefined {
    let best: ExchangeRateRecord | undefined;
    for (const rate of this.exchangeRates.get(currencyId) ?? []) {
      if (rate.effective_date <= date && (!best || rate.effective_date > best.effective_date)) best = rate;
    }
    return best;
  }

  /**
   * The exchange rate a new document in `currencyId` dated `date` gets when its body names none:
   * 1 in the base currency; else the rate in effect that day, else 1. [assumed] The spec says
   * exchange_rate is "required when not in base currency"; Books' own form pre-fills the rate of
   * the day, which is what this fake does instead of refusing.
   */
  defaultExchangeRate(currencyId: string, date: string): Decimal {
    if (currencyId === this.info.currency_id) return Decimal.ONE;
    return this.rateOn(currencyId, date)?.rate ?? Decimal.ONE;
  }

  /** Seeds the tax list of a new organisation. */
  addTaxes(ids: ZohoIdSequence, taxes: NonNullable<CreateOrganizationInput['taxes']>, groups: NonNullable<CreateOrganizationInput['taxGroups']>): void {
    taxes.forEach((tax, index) => {
      const id = ids.next();
      this.taxes.set(id, {
        tax_id: id,
        tax_name: tax.name,
        tax_percentage: Decimal.from(tax.percentage),
        tax_type: tax.type ?? 'tax',
        is_default_tax: index === 0,
      });
    });
    for (const group of groups) {
      const members = group.taxNames.map((name) => {
        const tax = [...this.taxes.values()].find((t) => t.tax_name === name);
        if (!tax) throw new Error(`tax group "${group.name}" names unknown tax "${name}"`);
        return tax.tax_id;
      });
      const id = ids.next();
      this.taxGroups.set(id, { tax_group_id: id, tax_group_name: group.name, member_ids: members });
    }
  }
}
