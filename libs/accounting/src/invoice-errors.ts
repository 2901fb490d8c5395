import { PermanentError } from '@connector/common';

/** The order holds data no invoice can be built from (an unreadable amount, no date at all). */
export class InvalidOrderError extends PermanentError {
  override readonly name = 'InvalidOrderError';

  constructor(orderId: number, problem: string) {
    super(`WooCommerce order ${orderId} cannot be invoiced: ${problem}`, { code: 'INVALID_ORDER' });
  }
}

/** The invoice context is unusable (unknown time zone, impossible precision): a configuration fault. */
export class InvoiceContextError extends PermanentError {
  override readonly name = 'InvoiceContextError';

  constructor(problem: string) {
    super(`invoice settings are invalid: ${problem}`, { code: 'INVALID_INVOICE_CONTEXT' });
  }
}
