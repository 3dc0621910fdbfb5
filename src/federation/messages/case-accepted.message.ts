/**
 * `case.accepted`: the requested State's node accepts the request for execution.
 * The transition `accept` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseAcceptedMessage = defineCaseMessage({
  type: 'case.accepted',
  transition: 'accept',
  label: {
    ar: 'قبول الطلب',
    en: 'Request accepted',
    es: 'Solicitud aceptada',
    fr: 'Demande acceptée',
    ru: 'Просьба принята',
    zh: '接受请求',
  },
});
