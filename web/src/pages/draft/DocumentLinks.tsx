/**
 * The formal document of a saved request: a printable HTML view and a PDF, in at most two
 * languages the user picks among those the node prints (the requested State may accept only
 * some languages, Art. 40(14)); each language is a complete version, one after the other. It
 * opens in the language the request is written in, when the node prints it (a request in French
 * prints in French whatever the reader's screen language), else in the screen's language.
 */
import { Anchor, Group, MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api, apiUrl } from '../../app/api.ts';
import { ExternalIcon } from '../../components/icons.tsx';
import { useApi } from '../../components/use-api.ts';
import { currentLanguage, LOCALES, NATIVE_LANGUAGE_NAMES } from '../../i18n/i18n.ts';

/** A document has one language, or two side by side in the sense of Art. 40(14): never more. */
const MAX_DOCUMENT_LANGUAGES = 2;

/** Address of the formal document of a saved request, in the given languages. */
function documentUrl(id: string, format: 'html' | 'pdf', languages: readonly string[]): string {
  return apiUrl(`/api/v1/requests/${encodeURIComponent(id)}/document.${format}`, {
    languages: languages.length > 0 ? languages.join(',') : undefined,
  });
}

/** The printed language that is `tag` (BCP 47), or its language without region or script. */
function printedLanguageOf(tag: string | undefined, printed: readonly string[]): string | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  return (
    printed.find((language) => language.toLowerCase() === lower) ??
    printed.find((language) => language.toLowerCase() === lower.split('-')[0])
  );
}

export function DocumentLinks({
  requestId,
  requestLanguage,
  hasUnsavedChanges,
}: {
  requestId: string;
  /** The language the saved request is written in (its `language` element), if it names one. */
  requestLanguage?: string | undefined;
  hasUnsavedChanges: boolean;
}) {
  const { t } = useTranslation();
  // What the reader picked; until then, the request's language or the screen's.
  const [picked, setPicked] = useState<string[] | undefined>(undefined);
  const offered = useApi(() => answer(api.GET('/api/v1/document/languages')), []);
  const choices =
    offered.data?.languages.map((language) => ({ value: language.tag, label: language.name })) ??
    LOCALES.map((locale) => ({ value: locale, label: NATIVE_LANGUAGE_NAMES[locale] }));
  const ofRequest = printedLanguageOf(
    requestLanguage,
    choices.map((choice) => choice.value),
  );
  const languages = picked ?? [ofRequest ?? currentLanguage()];
  return (
    <Paper component="section" aria-labelledby="document-title" withBorder p="sm">
      <Title order={2} size="h4" id="document-title" mb="xs">
        {t('document.title')}
      </Title>
      <Stack gap="xs">
        <MultiSelect
          label={t('document.languages')}
          description={t('document.languagesHelp')}
          data={choices}
          value={languages}
          onChange={setPicked}
          maxValues={MAX_DOCUMENT_LANGUAGES}
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
