/**
 * `case.conditions-declined`: the requesting State's node declines the proposed conditions, with reasons (Art. 40(27)).
 * The transition `decline-conditions` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConditionsDeclinedMessage = defineCaseMessage({
  type: 'case.conditions-declined',
  transition: 'decline-conditions',
  label: {
    ar: 'رفض الشروط',
    en: 'Conditions declined',
    es: 'Condiciones rechazadas',
    fr: 'Conditions déclinées',
    ru: 'Условия отклонены',
    zh: '拒绝条件',
  },
});
