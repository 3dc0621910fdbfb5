/**
 * Text from the node that may quote an English citation ("Art. 42(3)") inside another language's
 * sentence (a finding the node could not word in Arabic): each such citation is isolated as
 * left-to-right English (<span dir="ltr" lang="en">), so "Art. 42(3)" keeps its order inside
 * right-to-left text and a screen reader pronounces it in English (WCAG 1.3.2, 3.1.2).
 */
import { Fragment } from 'react';

const ENGLISH_CITATION = /(Arts?\.\s*\d+(?:\s*\(\w+\))*)/g;

export function IsolatedCitations({ text }: { text: string }) {
  const parts = text.split(ENGLISH_CITATION);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order.
          <span key={index} dir="ltr" lang="en" className="citation-isolated">
            {part}
          </span>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order.
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}
