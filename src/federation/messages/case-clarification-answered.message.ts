/**
 * `case.clarification-answered`: the requesting State's node answers a request for clarification; the case resumes where it was.
 * The transition `answer-clarification` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseClarificationAnsweredMessage = defineCaseMessage({
  type: 'case.clarification-answered',
  transition: 'answer-clarification',
  label: {
    ar: 'الرد على طلب الإيضاح',
    en: 'Clarification answered',
    es: 'Aclaración respondida',
    fr: 'Précisions apportées',
    ru: 'Разъяснения представлены',
    zh: '已答复澄清',
  },
});
