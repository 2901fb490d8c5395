import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText, formatTime, ProgressBar, renderDetails, renderTable } from './output';

class Capture {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

describe('renderTable', () => {
  it('aligns columns, right-aligns numbers, marks empty cells and cuts long ones', () => {
    const rows = [
      { id: 7, name: 'Mug', note: null },
      { id: 1042, name: 'A rather long product name', note: 'x'.repeat(20) },
    ];
    assert.deepEqual(renderTable(rows, [
      { header: 'ID', value: (r) => r.id, align: 'right' },
      { header: 'NAME', value: (r) => r.name },
      { header: 'NOTE', value: (r) => r.note, max: 8 },
    ]), [
      '  ID  NAME                        NOTE',
      '   7  Mug                         -',
      '1042  A rather long product name  xxxxxxx…',
    ]);
  });

  it('can leave out the header row and indent', () => {
    assert.deepEqual(renderTable([{ a: 'x' }], [{ header: 'A', value: (r) => r.a }], { headers: false, indent: 2 }), ['  x']);
  });
});

describe('renderDetails and cells', () => {
  it('aligns values and leaves out undefined ones', () => {
    assert.deepEqual(renderDetails([['State', 'synced'], ['Reason', undefined], ['Reconciled', true]]), ['State:       synced', 'Reconciled:  yes']);
  });

  it('formats times in UTC and flattens newlines', () => {
    assert.equal(formatTime('2026-01-04T12:00:05.123+02:00'), '2026-01-04 10:00:05');
    assert.equal(cellText('two\n  lines'), 'two lines');
  });
});

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal, throttled, and clears it', () => {
    const tty = new Capture(true);
    let now = 0;
    const bar = new ProgressBar(tty, 'replay', () => now);
    bar.update(0, 10);
    now += 50;
    bar.update(3, 10); // too soon after the last draw: skipped
    now += 100;
    bar.update(5, 10);
    bar.update(10, 10); // completion is always drawn
    bar.clear();
    const frames = tty.text.split('\r\x1b[2K').filter(Boolean);
    assert.deepEqual(frames, [
      'replay [..............................] 0/10 (0%)',
      'replay [###############...............] 5/10 (50%)',
      'replay [##############################] 10/10 (100%)',
    ]);
    assert.ok(tty.text.endsWith('\r\x1b[2K'));
    assert.ok(!tty.text.includes('\n'));
  });

  it('prints plain lines per 10 % elsewhere, and nothing to clear', () => {
    const log = new Capture(false);
    const bar = new ProgressBar(log, 'backfill', () => 0);
    for (const processed of [1, 2, 15, 15, 16, 100, 200]) bar.update(processed, 200);
    bar.clear();
    assert.equal(log.text, 'backfill: 1/200 (0%)\nbackfill: 100/200 (50%)\nbackfill: 200/200 (100%)\n');
  });

  it('counts without a percentage when the total is unknown', () => {
    const log = new Capture(false);
    let now = 0;
    const bar = new ProgressBar(log, 'replay', () => now);
    bar.update(5, null);
    bar.update(8, null);
    now += 5_000;
    bar.update(9, 0);
    assert.equal(log.text, 'replay: 5 processed\nreplay: 9 processed\n');
  });
});
