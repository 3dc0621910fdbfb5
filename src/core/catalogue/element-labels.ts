/**
 * Each element's name in each UI language, as the catalogue gives it (src/data/catalogue): the one
 * source of the names the form's fields, the checklist, the findings and the request's document
 * show. The web UI reads them under the key `element` of its translations (web/element-labels.ts
 * puts them in its bundle), so a lawyer who corrects a label corrects it everywhere.
 */
import { LOCALES, type Locale, type LocalizedText } from '../i18n.ts';

export type ElementLabels = Readonly<Record<Locale, Readonly<Record<string, string>>>>;

/** `{ en: { purpose: 'Purpose of the evidence', ... }, fr: {...}, ... }` from the catalogue's elements. */
export function elementLabelsByLocale(
  elements: readonly Readonly<{ id: string; label: LocalizedText }>[],
): ElementLabels {
  return Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      Object.fromEntries(elements.map((element) => [element.id, element.label[locale]])),
    ]),
  ) as ElementLabels;
}
