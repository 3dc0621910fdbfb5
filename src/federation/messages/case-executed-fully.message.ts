/**
 * `case.executed-fully`: the requested State's node sends back the rest of what the request asked for (Art. 40(25)).
 * The transition `execute-fully` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExecutedFullyMessage = defineCaseMessage({
  type: 'case.executed-fully',
  transition: 'execute-fully',
  label: {
    ar: 'تنفيذ كامل',
    en: 'Fully executed',
    es: 'Ejecución completa',
    fr: 'Exécution complète',
    ru: 'Полное исполнение',
    zh: '全部执行',
  },
});
