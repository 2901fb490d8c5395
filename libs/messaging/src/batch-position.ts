/**
 * Where a replay stands within a batch whose events finish out of order (different keys run
 * concurrently): a replay is resumed from one sequence, so what counts is the highest sequence up
 * to which everything is finished, and the lowest one that is not.
 */
export class BatchPosition {
  private readonly seqs: number[];
  private readonly finished = new Set<number>();
  /** Index in `seqs` of the lowest sequence not finished yet. */
  private next = 0;

  constructor(seqs: readonly number[]) {
    this.seqs = [...seqs].sort((a, b) => a - b);
  }

  finish(seq: number): void {
    this.finished.add(seq);
    while (this.next < this.seqs.length && this.finished.has(this.seqs[this.next])) this.next++;
  }

  isFinished(seq: number): boolean {
    return this.finished.has(seq);
  }

  /** Every event of the batch up to this sequence is finished (undefined: not even the first). */
  get finishedThrough(): number | undefined {
    return this.next > 0 ? this.seqs[this.next - 1] : undefined;
  }

  /** The lowest sequence of the batch not finished yet (undefined: all are). */
  get firstUnfinished(): number | undefined {
    return this.seqs[this.next];
  }
}
