/**
 * `case.resumed`: the requested State's node resumes a postponed request where it was (Art. 40(26)).
 * The transition `resume` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseResumedMessage = defineCaseMessage({
  type: 'case.resumed',
  transition: 'resume',
  label: {
    ar: 'استئناف',
    en: 'Resumed',
    es: 'Reanudación',
    fr: 'Reprise',
    ru: 'Возобновление',
    zh: '恢复办理',
  },
});
