/**
 * `case.execution-begun`: the requested State's node begins executing an accepted request.
 * The transition `begin-execution` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExecutionBegunMessage = defineCaseMessage({
  type: 'case.execution-begun',
  transition: 'begin-execution',
  label: {
    ar: 'بدء التنفيذ',
    en: 'Execution begun',
    es: 'Ejecución iniciada',
    fr: 'Exécution commencée',
    ru: 'Начато исполнение',
    zh: '开始执行',
  },
});
