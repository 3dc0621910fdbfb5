/**
 * The garbage collection `comity serve` runs once start-up is over (src/main.ts,
 * releaseStartUpMemory): it gives V8's young generation and free pages back, and leaves no `gc`
 * function behind for the node's code. How much it gives back is a figure (docs/benchmarks.md,
 * "Idle memory"), not asserted here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import { releaseStartUpMemory, releaseStartUpMemorySoon } from '../../src/main.ts';

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

  it('schedules the collection without keeping the process alive, and can be cancelled', () => {
    const cancel = releaseStartUpMemorySoon(60_000);
    cancel();
  });
});
