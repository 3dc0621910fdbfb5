/**
 * The formal document of a saved request: a printable HTML view and a PDF, in the languages the
 * user picks (the requested State may accept only some languages, Art. 40(14)).
 */
import { Anchor, Group, MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../app/api.ts';
import { ExternalIcon } from '../../components/icons.tsx';
import { currentLanguage, LOCALES, NATIVE_LANGUAGE_NAMES } from '../../i18n/i18n.ts';

/** Address of the formal document of a saved request, in the given languages. */
function documentUrl(id: string, format: 'html' | 'pdf', languages: readonly string[]): string {
  return apiUrl(`/api/v1/requests/${encodeURIComponent(id)}/document.${format}`, {
    languages: languages.length > 0 ? languages.join(',') : undefined,
  });
}

export function DocumentLinks({
  requestId,
  hasUnsavedChanges,
}: {
  requestId: string;
  hasUnsavedChanges: boolean;
}) {
  const { t } = useTranslation();
  const [languages, setLanguages] = useState<string[]>([currentLanguage()]);
  return (
    <Paper component="section" aria-labelledby="document-title" withBorder p="sm">
      <Title order={2} size="h4" id="document-title" mb="xs">
        {t('document.title')}
      </Title>
      <Stack gap="xs">
        <MultiSelect
          label={t('document.languages')}
          data={LOCALES.map((locale) => ({ value: locale, label: NATIVE_LANGUAGE_NAMES[locale] }))}
          value={languages}
          onChange={setLanguages}
          size="sm"
        />
        {hasUnsavedChanges ? (
          <Text size="xs" c="var(--comity-amber)">
            {t('document.unsavedNote')}
          </Text>
        ) : null}
        <Group gap="md">
          <Anchor href={documentUrl(requestId, 'html', languages)} target="_blank" rel="noopener" size="sm">
            <Group gap={4} wrap="nowrap" component="span">
              {t('document.viewHtml')}
              <ExternalIcon />
              <span className="visually-hidden">{t('common.opensInNewTab')}</span>
            </Group>
          </Anchor>
          <Anchor
            href={documentUrl(requestId, 'pdf', languages)}
            download
            size="sm"
            data-testid="download-pdf"
          >
            {t('document.downloadPdf')}
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}
