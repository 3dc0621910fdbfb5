/**
 * `case.withdrawn`: the requesting State's node withdraws the request, with reasons.
 * The transition `withdraw` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseWithdrawnMessage = defineCaseMessage({
  type: 'case.withdrawn',
  transition: 'withdraw',
  label: { ar: 'سحب', en: 'Withdrawal', es: 'Retirada', fr: 'Retrait', ru: 'Отзыв', zh: '撤回' },
});
