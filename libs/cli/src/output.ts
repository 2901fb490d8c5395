/**
 * Everything the CLI prints goes through here. Results go to stdout (a table, details, or exactly
 * one JSON document with --json); progress, hints and errors go to stderr, so `--json | jq` and
 * redirected output stay clean.
 */

export type Cell = string | number | boolean | null | undefined;

export interface Column<T> {
  header: string;
  value: (row: T) => Cell;
  align?: 'right';
  /** Longer cells are cut with an ellipsis so one long reason cannot wreck the table. */
  max?: number;
}

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Output {
  constructor(
    private readonly stdout: Writable,
    readonly stderr: Writable,
    readonly jsonMode: boolean,
  ) {}

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  lines(texts: string[]): void {
    for (const text of texts) this.line(text);
  }

  /** A hint for humans; on stderr so it never mixes into a result. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** Prints `data` as JSON in --json mode, or calls `human` to render it for a person. */
  result(data: unknown, human: () => void): void {
    if (this.jsonMode) this.json(data);
    else human();
  }
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: { headers?: boolean; indent?: number } = {}): string[] {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row), column.max)));
  const withHeaders = options.headers ?? true;
  const all = withHeaders ? [columns.map((column) => column.header), ...cells] : cells;
  const widths = columns.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  const indent = ' '.repeat(options.indent ?? 0);
  return all.map(
    (line) =>
      indent +
      line
        .map((text, i) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

/** `Label:  value` lines with the values aligned; pairs whose value is undefined are left out. */
export function renderDetails(pairs: ReadonlyArray<readonly [string, Cell]>): string[] {
  const shown = pairs.filter(([, value]) => value !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${cellText(value)}`);
}

export function cellText(value: Cell, max?: number): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value).replace(/\s*\n\s*/g, ' ');
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `2026-01-02 10:00:01` in UTC: sortable, unambiguous, and the same on every machine. */
export function formatTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** `1,000`: the same grouping on every machine, like the times. */
export function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}

/** `1 order`, `1,200 orders`: nouns whose plural takes an s. */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatMoney(amount: string | number | null | undefined, currency: string | null | undefined): string | null {
  if (amount === null || amount === undefined) return null;
  return currency ? `${amount} ${currency}` : String(amount);
}

const BAR_WIDTH = 30;
const REDRAW_EVERY_MS = 100;
const PLAIN_LINE_EVERY_MS = 5_000;

/**
 * Progress of a server-side job, on stderr. On a terminal it redraws one line in place; anywhere
 * else (CI logs, a pipe) it prints a plain line per 10 % (or every few seconds when the total is
 * unknown), because carriage returns turn logs into noise.
 */
export class ProgressBar {
  // -Infinity: the first update always draws, whatever the clock says.
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lastDecile = -1;
  private lastProcessed = -1;
  private drawn = false;

  constructor(
    private readonly stream: Writable,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  update(processed: number, total: number | null | undefined): void {
    const known = typeof total === 'number' && total > 0;
    const percent = known ? Math.min(100, Math.floor((processed / total) * 100)) : null;
    const text = known ? `${processed}/${total} (${percent}%)` : `${processed} processed`;
    if (this.stream.isTTY) {
      if (this.now() - this.lastDrawAt < REDRAW_EVERY_MS && percent !== 100) return;
      const filled = known ? Math.round(((percent as number) / 100) * BAR_WIDTH) : 0;
      const bar = known ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ` : '';
      this.stream.write(`\r\x1b[2K${this.label} ${bar}${text}`);
      this.drawn = true;
      this.lastDrawAt = this.now();
      return;
    }
    if (processed === this.lastProcessed) return;
    const decile = percent === null ? -1 : Math.floor(percent / 10);
    const due = percent === null ? this.now() - this.lastDrawAt >= PLAIN_LINE_EVERY_MS : decile > this.lastDecile;
    if (!due) return;
    this.stream.write(`${this.label}: ${text}\n`);
    this.lastDecile = decile;
    this.lastProcessed = processed;
    this.lastDrawAt = this.now();
  }

  /** Wipes the redrawn line, so the result or an error that follows starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
