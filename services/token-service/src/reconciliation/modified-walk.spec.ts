import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModifiedBatch, ModifiedWalkSource, walkModifiedSince } from './modified-walk';

interface Item {
  id: number;
  modified: string;
}

/**
 * A store collection as WooCommerce serves it: `modified_after` exclusive, oldest first, id as
 * tie-breaker, `pageSize` per page. Each page is a request of its own, evaluated when it is fetched:
 * an edit between two page fetches shifts the later pages, as it does in a real store.
 */
function store(items: Item[], pageSize = 100) {
  const queries: string[] = [];
  const pageFetches: Array<{ after: string; page: number }> = [];
  const hooks: { beforeFetch?: (fetchesSoFar: number) => void } = {};
  const source: ModifiedWalkSource<Item> = {
    pageSize,
    async *list(after) {
      queries.push(after);
      for (let page = 1; ; page++) {
        hooks.beforeFetch?.(pageFetches.length);
        pageFetches.push({ after, page });
        const rows = items.filter((i) => i.modified > after).sort((a, b) => a.modified.localeCompare(b.modified) || a.id - b.id);
        const slice = rows.slice((page - 1) * pageSize, page * pageSize).map((r) => ({ ...r }));
        yield* slice;
        if (slice.length < pageSize) return;
      }
    },
    idOf: (item) => item.id,
    modifiedOf: (item) => item.modified,
  };
  return { items, queries, pageFetches, hooks, source };
}

const at = (second: number) => `2026-03-01T12:00:${String(second).padStart(2, '0')}`;

async function collect(batches: AsyncGenerator<ModifiedBatch<Item>>, onBatch?: (batch: ModifiedBatch<Item>) => void) {
  const seen: Item[] = [];
  const checkpoints: string[] = [];
  for await (const batch of batches) {
    seen.push(...batch.items);
    checkpoints.push(batch.checkpoint);
    onBatch?.(batch);
  }
  return { seen, checkpoints };
}

test('walks everything after the checkpoint once, in batches, despite the overlap re-reading each boundary', async () => {
  const s = store([1, 2, 3, 4, 5, 6, 7].map((id) => ({ id, modified: at(10 + id) })));
  const { seen, checkpoints } = await collect(walkModifiedSince(s.source, { from: at(10), overlapSeconds: 5, batchSize: 3 }));
  assert.deepEqual(seen.map((i) => i.id), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(checkpoints, [at(13), at(16), at(17)]);
  // Each query starts five seconds before the checkpoint (modified_after is exclusive).
  assert.deepEqual(s.queries, [at(5), at(8), at(11)]);
});

test('an item saved in the checkpoint second after the last sweep read it is still found (exclusive filter, 1 s resolution)', async () => {
  const s = store([{ id: 1, modified: at(20) }]);
  const first = await collect(walkModifiedSince(s.source, { from: at(10), overlapSeconds: 5, batchSize: 10 }));
  assert.equal(first.checkpoints.at(-1), at(20));
  // Order 2 is saved within the same second as order 1, but only becomes visible after the sweep.
  s.items.push({ id: 2, modified: at(20) });
  const second = await collect(walkModifiedSince(s.source, { from: first.checkpoints.at(-1)!, overlapSeconds: 5, batchSize: 10 }));
  assert.deepEqual(second.seen.map((i) => i.id), [1, 2], 'the overlap re-reads order 1 (the pipeline check drops it) and finds order 2');
  const withoutOverlap = await collect(walkModifiedSince(s.source, { from: at(20), overlapSeconds: 0, batchSize: 10 }));
  assert.deepEqual(withoutOverlap.seen, [], 'without the overlap order 2 would be lost');
});

test('more items in one second than a batch holds: every one is walked and the walk ends', async () => {
  const s = store(Array.from({ length: 25 }, (_, i) => ({ id: i + 1, modified: at(30) })));
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 5, batchSize: 10 }));
  assert.deepEqual(seen.map((i) => i.id), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.ok(s.queries.length <= 4, `re-queries stay bounded (${s.queries.length})`);
});

test('an item modified again during the walk is walked again with its new time; untouched ones are not repeated', async () => {
  const s = store([1, 2, 3, 4].map((id) => ({ id, modified: at(10 + id) })));
  let edited = false;
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 5, batchSize: 2 }), () => {
    if (edited) return;
    edited = true;
    s.items.find((i) => i.id === 1)!.modified = at(40);
  });
  assert.deepEqual(seen.map((i) => `${i.id}@${i.modified.slice(-2)}`), ['1@11', '2@12', '3@13', '4@14', '1@40']);
});

test('a page shift cannot skip an item: each batch re-queries from its checkpoint instead of following page numbers', async () => {
  const s = store([1, 2, 3, 4, 5, 6].map((id) => ({ id, modified: at(10 + id) })));
  let moved = false;
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 1, batchSize: 3 }), () => {
    // While batch 1 is handled, orders 1 and 2 change and move to the end of the listing.
    if (moved) return;
    moved = true;
    s.items[0]!.modified = at(50);
    s.items[1]!.modified = at(51);
  });
  assert.deepEqual(new Set(seen.map((i) => i.id)), new Set([1, 2, 3, 4, 5, 6]));
  assert.ok(seen.some((i) => i.id === 4), 'order 4 is not skipped');
});

test('an edit between two page fetches of one query skips nothing: a query reads one page, the next starts from its checkpoint', async () => {
  const hour = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString().slice(0, 19);
  const s = store(Array.from({ length: 400 }, (_, i) => ({ id: i + 1, modified: hour(i) })));
  s.hooks.beforeFetch = (fetchesSoFar) => {
    // Before the third page fetch, order 150 (on the first page of the second query, read
    // already) is edited and moves to the end: every later page shifts up by one. Walking on to
    // page 2 of that query would skip order 200.
    if (fetchesSoFar === 2) s.items[149]!.modified = hour(1000);
  };
  const { seen } = await collect(walkModifiedSince(s.source, { from: hour(-1), overlapSeconds: 5, batchSize: 100 }));
  const walked = new Set(seen.map((i) => i.id));
  assert.deepEqual(Array.from({ length: 400 }, (_, i) => i + 1).filter((id) => !walked.has(id)), [], 'no order missed');
  assert.ok(seen.some((i) => i.id === 150 && i.modified === hour(1000)), 'the edited order is walked with its new time');
  // With the five-second overlap a query re-reads the previous batch's last order; it still stops after one page.
  assert.ok(s.pageFetches.every((fetch) => fetch.page === 1), `every query read one page (${JSON.stringify(s.pageFetches.filter((f) => f.page > 1))})`);
});

test('more items inside the overlap than a page holds: the query goes on to its next page, and the walk ends', async () => {
  const s = store(Array.from({ length: 250 }, (_, i) => ({ id: i + 1, modified: at(30) })), 100);
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 5, batchSize: 100 }));
  assert.deepEqual(seen.map((i) => i.id), Array.from({ length: 250 }, (_, i) => i + 1));
  assert.ok(s.pageFetches.some((fetch) => fetch.page > 1), 'a page of repeats is followed by the next page');
  assert.ok(s.queries.length <= 4, `re-queries stay bounded (${s.queries.length})`);
});

test('until: items modified after it end the walk (a backfill leaves them to live traffic)', async () => {
  const s = store([1, 2, 3].map((id) => ({ id, modified: at(10 * id) })));
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 5, batchSize: 10, until: at(20) }));
  assert.deepEqual(seen.map((i) => i.id), [1, 2]);
});

test('nothing changed: one query, no batch', async () => {
  const s = store([{ id: 1, modified: at(1) }]);
  const { seen } = await collect(walkModifiedSince(s.source, { from: at(30), overlapSeconds: 5, batchSize: 10 }));
  assert.deepEqual(seen, []);
  assert.equal(s.queries.length, 1);
});

test('an aborted walk stops', async () => {
  const s = store([1, 2, 3].map((id) => ({ id, modified: at(id) })));
  const abort = new AbortController();
  await assert.rejects(
    collect(walkModifiedSince(s.source, { from: at(0), overlapSeconds: 5, batchSize: 1, signal: abort.signal }), () => abort.abort(new Error('stop'))),
    /stop/,
  );
});
