/**
 * Shows a failed call as the node explained it: the problem's title (in the UI language when the
 * problem type is known) and its detail; for invalid fields, one line per field with the field's
 * label and a message in the UI language (components/field-errors.ts), linked to the field when the
 * form says where it is (WCAG 3.3.1). `takeFocus` moves the focus to the summary when it appears
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
  fields,
  takeFocus = false,
}: {
  error: unknown;
  title?: string;
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
      >
        {error instanceof Error ? error.message : String(error)}
      </Alert>
    );
  }
  const { problem } = error;
  const heading = t(`problem.${error.code}`, { defaultValue: problem.title });
  const items = problem.errors ?? [];
  // A problem that lists structured field errors says it all in the list; its detail is the raw text.
  const hasStructuredErrors = items.length > 0 && items.every((item) => item.code !== undefined);
  return (
    <Alert
      ref={alert}
      tabIndex={-1}
      color="red"
      variant="light"
      title={title ?? heading}
      role="alert"
      data-testid="problem-alert"
    >
      {title ? <div>{heading}</div> : null}
      {problem.detail && !hasStructuredErrors ? <div>{problem.detail}</div> : null}
      {items.length > 0 ? (
        <List size="sm" mt="xs">
          {items.map((item, index) => {
            const field = item.pointer !== undefined ? fields?.[item.pointer] : undefined;
            const message = item.code ? fieldErrorText(item) : item.message;
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
                {name || item.line !== undefined ? ': ' : null}
                {message}
              </List.Item>
            );
          })}
        </List>
      ) : null}
    </Alert>
  );
}
