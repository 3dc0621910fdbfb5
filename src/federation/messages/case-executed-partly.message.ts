/**
 * `case.executed-partly`: the requested State's node sends back part of what the request asked for (Art. 40(27)); it may do so more than once.
 * The transition `execute-partly` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExecutedPartlyMessage = defineCaseMessage({
  type: 'case.executed-partly',
  transition: 'execute-partly',
  label: {
    ar: 'تنفيذ جزئي',
    en: 'Partly executed',
    es: 'Ejecución parcial',
    fr: 'Exécution partielle',
    ru: 'Частичное исполнение',
    zh: '部分执行',
  },
});
