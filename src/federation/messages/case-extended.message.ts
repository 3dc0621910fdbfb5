/**
 * `case.extended`: the requested State's node keeps the preserved data until a later date.
 * The transition `extend` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExtendedMessage = defineCaseMessage({
  type: 'case.extended',
  transition: 'extend',
  label: {
    ar: 'تمديد الحفظ',
    en: 'Preservation extended',
    es: 'Conservación prorrogada',
    fr: 'Conservation prolongée',
    ru: 'Сохранение продлено',
    zh: '保全已延长',
  },
});
