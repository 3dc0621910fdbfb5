/**
 * `case.lapsed`: the requested State's node records that the preservation period ended without a follow-up request (Art. 42(8)).
 * The transition `lapse` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseLapsedMessage = defineCaseMessage({
  type: 'case.lapsed',
  transition: 'lapse',
  label: {
    ar: 'انقضاء مدة الحفظ',
    en: 'Preservation lapsed',
    es: 'Conservación vencida',
    fr: 'Conservation expirée',
    ru: 'Срок сохранения истёк',
    zh: '保全已到期',
  },
});
