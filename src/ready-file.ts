/**
 * How a program that starts a node learns where it listens: `comity serve --ready-file <path>`
 * writes one JSON object to <path> once the node accepts connections (atomically: a reader sees
 * the whole object or no file). The node binds its port itself (COMITY_PORT, or 0 for any free
 * port), so nothing can take the port between a check and the bind; the starter then asks
 * GET /api/v1/health on that port and compares `node.instance`, to be sure the answer comes from
 * the process it started and not from another one.
 *
 *   {"pid": 1234, "port": 41237, "url": "http://127.0.0.1:41237", "instance": "…", "nodeId": "fr-poc"}
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** A random id of this process, reported by the ready file and GET /api/v1/health (`node.instance`). */
export const PROCESS_INSTANCE = randomUUID();

export type ReadyReport = Readonly<{
  pid: number;
  port: number;
  url: string;
  instance: string;
  /** The federation node id, once `comity init` has run. */
  nodeId: string | null;
}>;

export function writeReadyFile(file: string, report: ReadyReport): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report)}\n`);
  renameSync(temporary, file);
}

/** The report in `file`, or undefined while there is none (or it is not a report). */
export function readReadyFile(file: string): ReadyReport | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const report = JSON.parse(text) as Partial<ReadyReport>;
    const isReport =
      Number.isInteger(report.pid) && Number.isInteger(report.port) && typeof report.instance === 'string';
    return isReport ? (report as ReadyReport) : undefined;
  } catch {
    return undefined;
  }
}

export function removeReadyFile(file: string): void {
  rmSync(file, { force: true });
}
