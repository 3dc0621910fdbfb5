/**
 * `case.consultation-requested`: the State that gave the information asks to be consulted on a
 * notice of its exculpatory disclosure (Art. 40(19), Art. 40(5)). The transition
 * `request-consultation` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConsultationRequestedMessage = defineCaseMessage({
  type: 'case.consultation-requested',
  transition: 'request-consultation',
  label: {
    ar: 'طلب التشاور',
    en: 'Consultation requested',
    es: 'Solicitud de consulta',
    fr: 'Demande de consultation',
    ru: 'Запрос о консультациях',
    zh: '请求协商',
  },
});
