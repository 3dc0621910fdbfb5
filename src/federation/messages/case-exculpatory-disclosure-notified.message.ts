/**
 * `case.exculpatory-disclosure-notified`: the State that received information or evidence gives
 * notice that it will disclose, or has disclosed, some of it as exculpatory (Art. 40(19),
 * Art. 40(5)). The transition `notify-exculpatory-disclosure` of the case lifecycle
 * (docs/case-lifecycle.md), applied on both nodes (case-message.ts).
 */
import { defineCaseMessage } from './case-message.ts';

export const caseExculpatoryDisclosureNotifiedMessage = defineCaseMessage({
  type: 'case.exculpatory-disclosure-notified',
  transition: 'notify-exculpatory-disclosure',
  label: {
    ar: 'إشعار بإفشاء معلومات تبرئ المتهم',
    en: 'Exculpatory disclosure notified',
    es: 'Notificación de divulgación exculpatoria',
    fr: 'Notification d’une divulgation à décharge',
    ru: 'Уведомление о раскрытии оправдывающих сведений',
    zh: '开脱罪责信息披露通知',
  },
});
