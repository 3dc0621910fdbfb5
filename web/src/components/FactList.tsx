/**
 * Facts as a description list (<dl>): a label and its value per row, read by screen readers as
 * term and definition. Rows whose value is absent are left out rather than shown empty.
 */
import type { ReactNode } from 'react';

export type Fact = Readonly<{ label: string; value: ReactNode; testId?: string }>;

export function FactList({ facts }: { facts: ReadonlyArray<Fact | false | null | undefined> }) {
  const shown = facts.filter((fact): fact is Fact => Boolean(fact));
  return (
    <dl className="facts">
      {shown.map((fact) => (
        <div key={fact.label} className="facts-row" data-testid={fact.testId}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
