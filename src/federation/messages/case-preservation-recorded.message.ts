/**
 * `case.preservation-recorded`: the requested State's node has preserved the data, until a date (Art. 42(8)).
 * The transition `record-preservation` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const casePreservationRecordedMessage = defineCaseMessage({
  type: 'case.preservation-recorded',
  transition: 'record-preservation',
  label: {
    ar: 'تم الحفظ',
    en: 'Preservation recorded',
    es: 'Conservación registrada',
    fr: 'Conservation enregistrée',
    ru: 'Сохранение зарегистрировано',
    zh: '已记录保全',
  },
});
