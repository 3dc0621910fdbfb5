/**
 * `case.clarification-requested`: the requested State's node asks the requesting State for more information (Art. 40(21)(a)).
 * The transition `request-clarification` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseClarificationRequestedMessage = defineCaseMessage({
  type: 'case.clarification-requested',
  transition: 'request-clarification',
  label: {
    ar: 'طلب إيضاح',
    en: 'Clarification requested',
    es: 'Solicitud de aclaración',
    fr: 'Demande de précisions',
    ru: 'Запрос разъяснений',
    zh: '要求澄清',
  },
});
