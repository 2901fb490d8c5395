import { Decimal } from '../money/decimal';
import type { ZohoInvoicePrediction } from '../zoho-invoice-model';
import type { CarriedAmount, PlannedLine } from './invoice-lines';

/*
 * Why Zoho's total differs from WooCommerce's, line by line, and whether rounding can explain it.
 *
 * Rounding can explain, at most:
 *   - one minor unit per line (Zoho rounds each line's total and tax; WooCommerce rounds tax per
 *     rate over the whole order, and works on 6-decimal raw taxes),
 *   - one more minor unit for the order as a whole,
 *   - plus, per line, the rate-rounding error its Zoho line total keeps, grown by the line's tax:
 *     a unit price with no exact value at the price precision (10.00 / 3) is rounded up and
 *     discounted back to WooCommerce's amount (invoice/line-price.ts), so only a plain rate kept
 *     within a unit on an inclusive line, or on a negative line, leaves any.
 * A larger difference is not rounding: typically a tax on the order that is not on its lines.
 */

export interface ReconciledLine {
  kind: PlannedLine['kind'];
  wooLineId: number;
  name: string;
  /** WooCommerce's amount for the line, tax included. */
  wooAmount: string;
  /** Zoho's amount for the line, tax included (item total, plus tax on exclusive invoices). */
  zohoAmount: string;
  /** wooAmount − zohoAmount. */
  difference: string;
}

export interface CarriedComponent {
  kind: CarriedAmount['kind'];
  wooLineId: number;
  description: string;
  amount: string;
}

export interface InvoiceReconciliation {
  lines: ReconciledLine[];
  /** Amounts placed in the adjustment on purpose (negative fees, lines Zoho cannot hold). */
  carried: CarriedComponent[];
  /** The part of the adjustment that is rounding: adjustment − Σ carried. */
  roundingDifference: string;
  /** The largest rounding difference rounding can explain (see the file comment). */
  tolerance: string;
  /** Human-readable reasons for every non-zero part of the adjustment; empty when it is zero. */
  reasons: string[];
}

export interface ReconciliationInput {
  lines: readonly PlannedLine[];
  carried: readonly CarriedAmount[];
  prediction: ZohoInvoicePrediction;
  inclusive: boolean;
  orderTotal: Decimal;
  adjustment: Decimal;
  minorUnit: Decimal;
  hasCompoundTax: boolean;
}

export interface ReconciliationResult {
  reconciliation: InvoiceReconciliation;
  roundingDifference: Decimal;
  explainedByRounding: boolean;
}

function signed(amount: Decimal): string {
  return amount.isNegative() ? amount.toString() : `+${amount.toString()}`;
}

function toleranceFor(input: ReconciliationInput): Decimal {
  const perLine = input.minorUnit.mul(input.lines.length + 1);
  const rateRounding = Decimal.sum(
    input.lines.map((line) => {
      const taxFactor = input.inclusive || !line.taxPercentage ? Decimal.ONE : Decimal.ONE.add(line.taxPercentage.div(100, line.taxPercentage.scale + 2, 'toward-zero'));
      return line.rateRounding.abs().mul(taxFactor);
    }),
  );
  return perLine.add(rateRounding);
}

export function reconcile(input: ReconciliationInput): ReconciliationResult {
  const lines = input.lines.map((line, index): ReconciledLine & { gap: Decimal; planned: PlannedLine } => {
    const predicted = input.prediction.lines[index];
    const zohoAmount = input.inclusive ? predicted.itemTotal : predicted.itemTotal.add(predicted.tax);
    const gap = line.wooAmount.sub(zohoAmount);
    return {
      kind: line.kind,
      wooLineId: line.wooLineId,
      name: line.name,
      wooAmount: line.wooAmount.toString(),
      zohoAmount: zohoAmount.toString(),
      difference: gap.toString(),
      gap,
      planned: line,
    };
  });
  const carriedTotal = Decimal.sum(input.carried.map((entry) => entry.amount));
  const roundingDifference = input.adjustment.sub(carriedTotal);
  const tolerance = toleranceFor(input);

  const reasons: string[] = [];
  for (const entry of input.carried) {
    if (entry.amount.isZero()) continue;
    reasons.push(`${entry.kind} "${entry.description}" (${entry.amount.toString()}) cannot be an invoice line and is carried in the adjustment`);
  }
  if (!roundingDifference.isZero()) {
    for (const line of lines) {
      if (line.gap.isZero()) continue;
      const causes = line.planned.rateRounding.isZero()
        ? 'per-line rounding of the total and tax'
        : `the unit price has no exact value at the price precision (off by ${line.planned.rateRounding.toString()} on the line)`;
      reasons.push(
        `${line.kind} "${line.name}": WooCommerce ${line.wooAmount}, Zoho ${line.zohoAmount} (${signed(line.gap)}): ${causes}`,
      );
    }
    const wooLinesTotal = Decimal.sum(input.lines.map((line) => line.wooAmount)).add(carriedTotal);
    const orderLevel = input.orderTotal.sub(wooLinesTotal);
    if (!orderLevel.isZero()) {
      reasons.push(
        `WooCommerce's order total ${input.orderTotal.toString()} differs from the sum of its lines ${wooLinesTotal.toString()} ` +
          `(${signed(orderLevel)}): WooCommerce rounds tax per rate over the whole order, not per line`,
      );
    }
    if (input.hasCompoundTax) reasons.push('the order has compound tax rates, which Zoho applies as plain percentages');
    reasons.push(`rounding difference ${signed(roundingDifference)} carried in the adjustment so the totals match`);
  }

  return {
    reconciliation: {
      lines: lines.map(({ gap: _gap, planned: _planned, ...line }) => line),
      carried: input.carried.map((entry) => ({ ...entry, amount: entry.amount.toString() })),
      roundingDifference: roundingDifference.toString(),
      tolerance: tolerance.normalize().toString(),
      reasons,
    },
    roundingDifference,
    explainedByRounding: roundingDifference.abs().lte(tolerance),
  };
}
