/**
 * `case.extension-requested`: the requesting State's node asks for preserved data to be kept longer, before the period ends.
 * The transition `request-extension` of the case lifecycle (docs/case-lifecycle.md), applied on both nodes
 * (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExtensionRequestedMessage = defineCaseMessage({
  type: 'case.extension-requested',
  transition: 'request-extension',
  label: {
    ar: 'طلب تمديد الحفظ',
    en: 'Extension requested',
    es: 'Solicitud de prórroga',
    fr: 'Demande de prolongation',
    ru: 'Запрос о продлении',
    zh: '请求延长',
  },
});
