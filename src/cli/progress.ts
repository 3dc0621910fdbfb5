/**
 * A progress bar for long CLI work, on standard error and only when it is a terminal: bytes done of
 * the total and the rate, redrawn at most ten times a second. Nothing is written otherwise.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Files smaller than this finish too fast for a bar to help. */
export const PROGRESS_THRESHOLD = 16 * 1024 * 1024;
const BAR_WIDTH = 24;

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function progressLine(done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ` +
    `${formatBytes(done)} / ${formatBytes(total)}  ${formatBytes(rate)}/s`
  );
}

/** A pass-through that counts bytes and draws the bar; finish() draws the last state and a newline. */
export function byteProgress(
  label: string,
  total: number,
  output: NodeJS.WriteStream = process.stderr,
): { meter: Transform; add: (count: number) => void; finish: () => void } {
  const isShown = output.isTTY === true && total >= PROGRESS_THRESHOLD;
  const started = performance.now();
  let done = 0;
  let drawnAt = 0;
  const draw = (): void => {
    output.write(`\r${label} ${progressLine(done, total, performance.now() - started)}\x1b[K`);
  };
  const add = (count: number): void => {
    done += count;
    if (isShown && performance.now() - drawnAt >= 100) {
      drawnAt = performance.now();
      draw();
    }
  };
  const meter = new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      add(data.length);
      callback(null, data);
    },
  });
  return {
    meter,
    add,
    finish: () => {
      if (!isShown) return;
      draw();
      output.write('\n');
    },
  };
}
