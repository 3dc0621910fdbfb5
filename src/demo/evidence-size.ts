/** The evidence scenario's item size (`comity demo --scenario evidence --size`). */

/** 1 GiB, the default size of the item. */
export const DEFAULT_EVIDENCE_SIZE_BYTES = 1024 ** 3;

/** "8MiB", "1GiB", "500kB", "1048576": a size in bytes; undefined when it does not read. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(B|kB|KiB|MB|MiB|GB|GiB)?$/i.exec(text.trim());
  if (!match) return undefined;
  const units: Record<string, number> = {
    b: 1,
    kb: 1000,
    kib: 1024,
    mb: 1000 ** 2,
    mib: 1024 ** 2,
    gb: 1000 ** 3,
    gib: 1024 ** 3,
  };
  const bytes = Math.round(Number(match[1]) * (units[(match[2] ?? 'b').toLowerCase()] ?? 1));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
