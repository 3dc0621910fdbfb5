/**
 * Shows a failed call in the UI language: the problem's title and an explanation of what to do,
 * both chosen by the stable problem code (the `lawyer2.problem` section has one for every code);
 * for invalid fields, one line per field with the field's label and a message in the UI language
 * (components/field-errors.ts), linked to the field when the form says where it is (WCAG 3.3.1).
 * The node's own words (its English `detail`, field messages without a code) stay available to
 * pass on to an administrator, folded under "technical details" and marked `lang="en"`. `takeFocus` moves the focus to the summary when it appears
 * (a failed save), so keyboard and screen-reader users land on what went wrong (WCAG 2.4.3).
 */
import { Alert, Anchor, List } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../app/api.ts';
import { fieldErrorText } from './field-errors.ts';
import { focusWhenShown } from './focus-keeper.ts';

export type FieldReference = Readonly<{ label: string; id?: string }>;

export function ProblemAlert({
  error,
  title,
  wording,
  fields,
  takeFocus = false,
}: {
  error: unknown;
  title?: string;
  /** The screen's own heading and explanation of this problem, where it knows better than the code's. */
  wording?: Readonly<{ heading: string; explanation: string }>;
  /** The form's fields by JSON pointer (`/username`): their labels, and ids to link to. */
  fields?: Readonly<Record<string, FieldReference>>;
  takeFocus?: boolean;
}) {
  const { t } = useTranslation();
  const alert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus && error) focusWhenShown(() => alert.current);
  }, [takeFocus, error]);
  if (!error) return null;
  if (!isApiError(error)) {
    return (
      <Alert
        ref={alert}
        tabIndex={-1}
        color="red"
        variant="light"
        title={title ?? t('problem.unexpected')}
        role="alert"
        data-testid="problem-alert"
      >
        <div>{t('lawyer2.problem.unknown')}</div>
        <TechnicalDetails lines={[error instanceof Error ? error.message : String(error)]} />
      </Alert>
    );
  }
  const { problem } = error;
  const heading = wording?.heading ?? t(`problem.${error.code}`, { defaultValue: problem.title });
  const explanation =
    wording?.explanation ??
    t(`lawyer2.problem.${error.code}`, { defaultValue: t('lawyer2.problem.unknown') });
  const items = problem.errors ?? [];
  const worded = items.filter((item) => item.code !== undefined);
  // Field messages without a code are the node's English: they join the technical details.
  const unworded = items
    .filter((item) => item.code === undefined)
    .map((item) =>
      [item.path, item.line !== undefined ? `line ${item.line}` : undefined, item.message]
        .filter(Boolean)
        .join(': '),
    );
  return (
    <Alert
      ref={alert}
      tabIndex={-1}
      color="red"
      variant="light"
      title={title ?? heading}
      role="alert"
      data-testid="problem-alert"
      data-problem={error.code}
    >
      {title ? <div>{heading}</div> : null}
      <div>{explanation}</div>
      {worded.length > 0 ? (
        <List size="sm" mt="xs">
          {worded.map((item, index) => {
            const field = item.pointer !== undefined ? fields?.[item.pointer] : undefined;
            const name = field?.label ?? (item.path ? <code>{item.path}</code> : null);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity beyond their position.
              <List.Item key={index}>
                {field?.id ? (
                  <Anchor
                    href={`#${field.id}`}
                    c="red.9"
                    onClick={(event) => {
                      event.preventDefault();
                      document.getElementById(field.id ?? '')?.focus();
                    }}
                  >
                    {field.label}
                  </Anchor>
                ) : (
                  name
                )}
                {item.line !== undefined ? t('problem.line', { line: item.line }) : null}
                {/* ": " in English, " : " in French, "：" in Chinese. */}
                {name || item.line !== undefined ? t('common.labelSeparator') : null}
                {fieldErrorText(item)}
              </List.Item>
            );
          })}
        </List>
      ) : null}
      {/* A problem whose field errors all have a code says it all in the list; its detail is the validator's text. */}
      <TechnicalDetails
        lines={[unworded.length === 0 && worded.length > 0 ? '' : (problem.detail ?? ''), ...unworded]}
      />
    </Alert>
  );
}

/** The node's own (English) words, folded: for an administrator, not needed to act. */
function TechnicalDetails({ lines }: { lines: readonly string[] }) {
  const { t } = useTranslation();
  const shown = lines.filter((line) => line.trim() !== '');
  if (shown.length === 0) return null;
  return (
    <details className="problem-technical" data-testid="problem-technical">
      <summary>{t('lawyer2.technicalDetails')}</summary>
      <div lang="en" dir="ltr">
        {shown.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their position.
          <div key={index}>{line}</div>
        ))}
      </div>
    </details>
  );
}
