/**
 * The one <h1> of a screen. It also sets the document title and, after a navigation, receives the
 * focus so keyboard and screen-reader users start reading at the new screen (WCAG 2.4.3).
 */
import { Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';
import { hasNavigatedInApp } from '../app/router.tsx';

export function PageTitle({ children, text }: { children: ReactNode; text: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} · Comity`;
  }, [text]);
  useEffect(() => {
    if (hasNavigatedInApp()) heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    // A long word breaks, and a case reference longer than a phone's screen (kept whole: app.css)
    // scrolls within the title rather than pushing the page sideways.
    <Title
      order={1}
      size="h2"
      ref={heading}
      tabIndex={-1}
      style={{ outline: 'none', overflowWrap: 'anywhere', overflowX: 'auto' }}
      mb="sm"
    >
      {children}
    </Title>
  );
}
