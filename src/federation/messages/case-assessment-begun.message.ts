/**
 * `case.assessment-begun`: the requested State's node begins assessing the request.
 * The transition `begin-assessment` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseAssessmentBegunMessage = defineCaseMessage({
  type: 'case.assessment-begun',
  transition: 'begin-assessment',
  label: {
    ar: 'بدء التقييم',
    en: 'Assessment begun',
    es: 'Evaluación iniciada',
    fr: 'Examen commencé',
    ru: 'Начата оценка',
    zh: '开始评估',
  },
});
