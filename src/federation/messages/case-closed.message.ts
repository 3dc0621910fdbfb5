/**
 * `case.closed`: either node closes a case that has run its course.
 * The transition `close` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseClosedMessage = defineCaseMessage({
  type: 'case.closed',
  transition: 'close',
  label: {
    ar: 'إغلاق',
    en: 'Case closed',
    es: 'Caso cerrado',
    fr: 'Dossier clos',
    ru: 'Дело закрыто',
    zh: '案件结束',
  },
});
