/**
 * `case.postponed`: the requested State's node postpones the request, with reasons and until when (Art. 40(26)).
 * The transition `postpone` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const casePostponedMessage = defineCaseMessage({
  type: 'case.postponed',
  transition: 'postpone',
  label: {
    ar: 'تأجيل',
    en: 'Postponement',
    es: 'Aplazamiento',
    fr: 'Report',
    ru: 'Отсрочка',
    zh: '推迟',
  },
});
