/**
 * The garbage collection `comity serve` runs once start-up is over (src/main.ts,
 * releaseStartUpMemory): it gives V8's young generation and free pages back, and leaves no `gc`
 * function behind for the node's code. How much it gives back is a figure (docs/benchmarks.md,
 * "Idle memory"), not asserted here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import { releaseStartUpMemory, releaseStartUpMemoryWhenQuiet } from '../../src/main.ts';

const youngGenerationBytes = () =>
  v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

describe('memory given back after start-up', () => {
  it('shrinks the young generation that allocating grew, and exposes no gc function', () => {
    // Allocate as a start-up does, so that V8 grows its young generation.
    let kept: unknown[] = [];
    for (let index = 0; index < 2_000_000; index += 1) {
      kept.push({ index, text: `entry ${index}` });
      if (kept.length > 100_000) kept = [];
    }
    const grown = youngGenerationBytes();
    releaseStartUpMemory();
    assert.ok(
      youngGenerationBytes() < grown,
      `young generation ${youngGenerationBytes()} not below ${grown}`,
    );
    assert.equal((globalThis as { gc?: unknown }).gc, undefined);
    assert.equal(typeof kept, 'object');
  });

  it('runs once, at a quiet moment after its delay (the wait itself: quiet-moment.test.ts)', async () => {
    let runs = 0;
    releaseStartUpMemoryWhenQuiet({ delayMs: 100, windowMs: 40, collect: () => (runs += 1) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(runs, 0, 'ran before its delay');
    const deadline = Date.now() + 5000;
    while (runs === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(runs, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(runs, 1, 'ran more than once');
  });

  it('can be cancelled before it runs', async () => {
    let runs = 0;
    const cancel = releaseStartUpMemoryWhenQuiet({ delayMs: 20, windowMs: 20, collect: () => (runs += 1) });
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(runs, 0);
  });
});
