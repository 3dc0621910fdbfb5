/**
 * Field errors of a refused call, in the user's language (WCAG 3.3.1, 3.3.3): the node lists each
 * invalid field of a problem+json with a JSON pointer and a stable code (src/http/problem.ts); the
 * UI words the code itself ("Fill in this field.") rather than showing the validator's English.
 * A form passes `fieldError(pointer)` as its field's `error`: Mantine then sets aria-invalid and
 * ties the message to the field with aria-describedby.
 */
import i18next from 'i18next';
import { isApiError, type Problem } from '../app/api.ts';
import { formatDate } from './format.ts';

export type ProblemFieldError = NonNullable<Problem['errors']>[number];

/** The readable message of one field error, in the UI language. */
export function fieldErrorText(item: ProblemFieldError): string {
  const code = item.code ?? 'invalid';
  if ((code === 'too-small' || code === 'too-big') && item.limit !== undefined) {
    // "at most 500 characters" where the node says what the limit counts, else "at most 500".
    return i18next.t(`a11y.fieldError.${code}-${item.unit ?? 'limit'}`, { limit: item.limit });
  }
  if (code === 'too-early' || code === 'too-late') {
    const date = item.bound === undefined ? undefined : formatDate(item.bound);
    return date ? i18next.t(`a11y.fieldError.${code}`, { date }) : i18next.t('a11y.fieldError.invalid');
  }
  return i18next.t(`a11y.fieldError.${code}`, { defaultValue: i18next.t('a11y.fieldError.invalid') });
}

/** The field errors of a failed call by JSON pointer (`/username`); empty for any other failure. */
export function fieldErrorsOf(error: unknown): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  if (!isApiError(error)) return found;
  for (const item of error.problem.errors ?? []) {
    if (item.pointer === undefined || found.has(item.pointer)) continue;
    found.set(item.pointer, fieldErrorText(item));
  }
  return found;
}
