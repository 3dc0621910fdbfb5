/**
 * The red / amber / green mark of a checklist item. Colour is never the only signal (WCAG 1.4.1):
 * each state has its own shape and a text for screen readers.
 */
import { useTranslation } from 'react-i18next';

/** `to-do`: not written yet on a new draft, which is not a fault yet (an open circle). */
export type Status = 'complete' | 'attention' | 'missing' | 'to-do';

const COLORS: Readonly<Record<Status, string>> = {
  complete: 'var(--mantine-color-teal-8)',
  attention: 'var(--mantine-color-orange-8)',
  missing: 'var(--mantine-color-red-8)',
  'to-do': 'var(--mantine-color-gray-7)',
};

export function StatusMark({ status }: { status: Status }) {
  const { t } = useTranslation();
  return (
    <span style={{ display: 'inline-flex', flexShrink: 0 }} data-status={status}>
      <svg width="18" height="18" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        {status === 'to-do' ? (
          <circle cx="10" cy="10" r="8" fill="none" stroke={COLORS[status]} strokeWidth="2" />
        ) : (
          <circle cx="10" cy="10" r="9" fill={COLORS[status]} />
        )}
        {status === 'complete' ? (
          <path d="M5.5 10.5l3 3 6-7" stroke="white" strokeWidth="2.2" fill="none" strokeLinecap="round" />
        ) : null}
        {status === 'attention' ? (
          <path d="M10 5v6M10 14.5v.5" stroke="white" strokeWidth="2.4" fill="none" strokeLinecap="round" />
        ) : null}
        {status === 'missing' ? (
          <path
            d="M6.5 6.5l7 7M13.5 6.5l-7 7"
            stroke="white"
            strokeWidth="2.2"
            fill="none"
            strokeLinecap="round"
          />
        ) : null}
      </svg>
      <span className="visually-hidden">{t(`checklist.state.${status}`)}</span>
    </span>
  );
}
