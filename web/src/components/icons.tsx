/** The few line icons the UI uses, inline so they need no icon font. Decorative: hidden from assistive technology. */
import type { ReactNode } from 'react';

function LineIcon({
  size = 16,
  isDirectional = false,
  children,
}: {
  size?: number;
  /** An icon that points along the reading direction: mirrored in right-to-left screens (app.css). */
  isDirectional?: boolean;
  children: ReactNode;
}) {
  return (
    <svg
      className={isDirectional ? 'icon-directional' : undefined}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function GlobeIcon() {
  return (
    <LineIcon>
      <circle cx="12" cy="12" r="9" />
      <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
    </LineIcon>
  );
}

export function UserIcon() {
  return (
    <LineIcon>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0 1 16 0" />
    </LineIcon>
  );
}

export function ExternalIcon() {
  return (
    <LineIcon size={12} isDirectional>
      <path d="M14 4h6v6M20 4l-9 9M18 14v6H4V6h6" />
    </LineIcon>
  );
}

export function CopyIcon() {
  return (
    <LineIcon size={14}>
      <rect x="9" y="9" width="11" height="11" rx="2" />
      <path d="M5 15V5a2 2 0 0 1 2-2h8" />
    </LineIcon>
  );
}

export function CheckIcon() {
  return (
    <LineIcon size={14}>
      <path d="M5 12.5l4.5 4.5L19 7" />
    </LineIcon>
  );
}

export function CalendarIcon() {
  return (
    <LineIcon>
      <rect x="3" y="4" width="18" height="18" rx="2" />
      <path d="M16 2v4M8 2v4M3 10h18" />
    </LineIcon>
  );
}
