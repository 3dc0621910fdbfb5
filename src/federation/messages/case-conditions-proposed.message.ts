/**
 * `case.conditions-proposed`: the requested State's node proposes conditions on which it would grant the request (Art. 40(27)).
 * The transition `propose-conditions` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConditionsProposedMessage = defineCaseMessage({
  type: 'case.conditions-proposed',
  transition: 'propose-conditions',
  label: {
    ar: 'اقتراح شروط',
    en: 'Conditions proposed',
    es: 'Condiciones propuestas',
    fr: 'Conditions proposées',
    ru: 'Предложены условия',
    zh: '提出条件',
  },
});
