/**
 * `case.consultation-recorded`: the State that received the information records the consultation
 * held, at the other State's request, on its latest notice of exculpatory disclosure (Art. 40(19),
 * Art. 40(5)): the day and the outcome. The transition `record-consultation` of the case
 * lifecycle (docs/case-lifecycle.md), applied on both nodes (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseConsultationRecordedMessage = defineCaseMessage({
  type: 'case.consultation-recorded',
  transition: 'record-consultation',
  label: {
    ar: 'تسجيل التشاور',
    en: 'Consultation recorded',
    es: 'Consulta registrada',
    fr: 'Consultation enregistrée',
    ru: 'Консультации проведены',
    zh: '已记录协商',
  },
});
