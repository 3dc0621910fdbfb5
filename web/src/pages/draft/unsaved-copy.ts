/**
 * A copy of the draft being edited, kept in this browser tab (sessionStorage: gone when the tab
 * closes) so that an expired session or a reload does not lose what the user typed since the last
 * save. It is offered back when the same draft is opened again in the tab.
 */
import type { RequestContent } from '../../../../src/core/request/draft.ts';

const PREFIX = 'comity.unsaved.';

export type UnsavedCopy = Readonly<{ content: RequestContent; revision: number | undefined }>;

function keyOf(requestId: string | undefined): string {
  return `${PREFIX}${requestId ?? 'new'}`;
}

export function keepUnsavedCopy(requestId: string | undefined, copy: UnsavedCopy): void {
  try {
    window.sessionStorage.setItem(keyOf(requestId), JSON.stringify(copy));
  } catch {
    // Storage full or disabled: the copy is a convenience, the draft still works.
  }
}

export function readUnsavedCopy(requestId: string | undefined): UnsavedCopy | undefined {
  try {
    const text = window.sessionStorage.getItem(keyOf(requestId));
    if (!text) return undefined;
    const parsed = JSON.parse(text) as Partial<UnsavedCopy>;
    return parsed.content && typeof parsed.content.type === 'string' ? (parsed as UnsavedCopy) : undefined;
  } catch {
    return undefined;
  }
}

export function forgetUnsavedCopy(requestId: string | undefined): void {
  try {
    window.sessionStorage.removeItem(keyOf(requestId));
  } catch {
    // Nothing to forget.
  }
}
