/**
 * `case.refused`: the requested State's node refuses the request: grounds, reasons and consultation.
 * The transition `refuse` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseRefusedMessage = defineCaseMessage({
  type: 'case.refused',
  transition: 'refuse',
  label: { ar: 'رفض', en: 'Refusal', es: 'Denegación', fr: 'Refus', ru: 'Отказ', zh: '拒绝' },
});
