/**
 * Shows a failed call as the node explained it: the problem's title (in the UI language when the
 * problem type is known), its detail and each listed error with its path or line.
 */
import { Alert, List } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../app/api.ts';

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (!isApiError(error)) {
    return (
      <Alert color="red" variant="light" title={title ?? t('problem.unexpected')} role="alert">
        {error instanceof Error ? error.message : String(error)}
      </Alert>
    );
  }
  const { problem } = error;
  const heading = t(`problem.${error.code}`, { defaultValue: problem.title });
  return (
    <Alert color="red" variant="light" title={title ?? heading} role="alert">
      {title ? <div>{heading}</div> : null}
      {problem.detail ? <div>{problem.detail}</div> : null}
      {problem.errors && problem.errors.length > 0 ? (
        <List size="sm" mt="xs">
          {problem.errors.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity beyond their position.
            <List.Item key={index}>
              {item.path ? <code>{item.path}</code> : null}
              {item.line !== undefined ? t('problem.line', { line: item.line }) : null}
              {item.path || item.line !== undefined ? ': ' : null}
              {item.message}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Alert>
  );
}
