/**
 * `case.conditions-accepted`: the requesting State's node accepts the proposed conditions, which it must then comply with (Art. 40(27)).
 * The transition `accept-conditions` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConditionsAcceptedMessage = defineCaseMessage({
  type: 'case.conditions-accepted',
  transition: 'accept-conditions',
  label: {
    ar: 'قبول الشروط',
    en: 'Conditions accepted',
    es: 'Condiciones aceptadas',
    fr: 'Conditions acceptées',
    ru: 'Условия приняты',
    zh: '接受条件',
  },
});
