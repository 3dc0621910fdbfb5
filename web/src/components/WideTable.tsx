/**
 * A table wider than a phone's screen: it scrolls sideways inside a region of its own, which the
 * keyboard reaches (Tab, then the arrow keys: WCAG 2.1.1) and which says so, above the table,
 * while some of its columns are out of view. On a wide screen nothing is said.
 */
import { Box, type MantineSpacing, Text } from '@mantine/core';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export function WideTable({
  minWidth,
  label,
  mt,
  children,
}: Readonly<{
  /** The width below which the table scrolls rather than squeezes its columns. */
  minWidth: number;
  /** The name of the region (the table's own label). */
  label: string;
  /** Space above, as Mantine's `mt`. */
  mt?: MantineSpacing;
  children: ReactNode;
}>) {
  const { t } = useTranslation();
  const hintId = useId();
  const region = useRef<HTMLElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const [isClipped, setIsClipped] = useState(false);
  useEffect(() => {
    const element = region.current;
    if (!element || !content.current) return;
    const measure = () => setIsClipped(element.scrollWidth > element.clientWidth + 1);
    measure();
    // The region narrows with the screen; the content widens with its rows.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(content.current);
    return () => observer.disconnect();
  }, []);
  return (
    <Box mt={mt}>
      {isClipped ? (
        <Text size="xs" c="gray.7" id={hintId} data-testid="scroll-hint">
          {t('a11y.scrollSideways')}
        </Text>
      ) : null}
      <section
        ref={region}
        aria-label={label}
        aria-describedby={isClipped ? hintId : undefined}
        // A region that scrolls sideways is reachable by keyboard to scroll it (WCAG 2.1.1, axe
        // scrollable-region-focusable); one that does not scroll is no tab stop.
        tabIndex={isClipped ? 0 : undefined}
        // Relative: what the table positions absolutely (a visually hidden label) scrolls with it,
        // rather than widening the page.
        style={{ overflowX: 'auto', position: 'relative' }}
      >
        <div ref={content} style={{ minWidth }}>
          {children}
        </div>
      </section>
    </Box>
  );
}
