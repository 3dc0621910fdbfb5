/**
 * An English count with its noun in the right number ("1 finding", "3 findings"), for the
 * command line, logs and API details, which speak English; the web UI words its counts in each
 * language instead.
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
