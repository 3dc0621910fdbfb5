/**
 * `case.converted`: either node records the follow-up request that the preserved data now waits for (Art. 42(8)).
 * The transition `convert` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConvertedMessage = defineCaseMessage({
  type: 'case.converted',
  transition: 'convert',
  label: {
    ar: 'تحويل إلى طلب متابعة',
    en: 'Converted to a follow-up request',
    es: 'Convertida en solicitud de seguimiento',
    fr: 'Convertie en demande de suivi',
    ru: 'Преобразовано в последующую просьбу',
    zh: '转为后续请求',
  },
});
