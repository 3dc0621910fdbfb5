/**
 * `case.acknowledged`: the requested State's node confirms that a person received the request.
 * The transition `acknowledge` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseAcknowledgedMessage = defineCaseMessage({
  type: 'case.acknowledged',
  transition: 'acknowledge',
  label: {
    ar: 'إقرار بالاستلام',
    en: 'Acknowledgement',
    es: 'Acuse de recibo',
    fr: 'Accusé de réception',
    ru: 'Подтверждение получения',
    zh: '确认收到',
  },
});
