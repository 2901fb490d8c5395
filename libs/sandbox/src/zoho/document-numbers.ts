/*
 * Zoho's document numbers, shared by invoices (INV-000001) and credit notes (CN-00001). Numbers
 * compare ignoring case; the auto-number series skips a number someone already took by hand
 * (with ignore_auto_number_generation=true), as Zoho's "next number" does.
 */

/** True when `number` is one of `taken`, ignoring case. */
export function numberTaken(number: string, taken: Iterable<string>): boolean {
  const wanted = number.toLowerCase();
  for (const other of taken) if (other.toLowerCase() === wanted) return true;
  return false;
}

/**
 * The next free number of a series `<prefix><counter padded to digits>`, and the counter to
 * continue from next time.
 */
export function nextSeriesNumber(prefix: string, digits: number, counter: number, taken: Iterable<string>): { number: string; counter: number } {
  const used = new Set([...taken].map((number) => number.toLowerCase()));
  for (let next = counter; ; next++) {
    const candidate = `${prefix}${String(next).padStart(digits, '0')}`;
    if (!used.has(candidate.toLowerCase())) return { number: candidate, counter: next + 1 };
  }
}
