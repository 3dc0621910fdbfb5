/**
 * The first step of a new draft: which of the eleven request types, each with its title in the UI
 * language, its article and its channel (from the catalogue). The arrow keys only move between
 * the types (WCAG 3.2.2: no change of context on input); Enter or the "Continue" button commits
 * the choice, and the focus then goes to the new screen's heading (components/focus-keeper.ts).
 */
import { Button, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REQUEST_TYPE_IDS, type RequestTypeId } from '../../../../src/core/request/draft.ts';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import { citationText, localized } from '../../components/format.ts';

export function TypeChooser({
  catalogue,
  onChoose,
}: {
  catalogue: Catalogue | undefined;
  onChoose: (type: RequestTypeId) => void;
}) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<RequestTypeId | undefined>(undefined);
  const commit = () => {
    if (selected) onChoose(selected);
  };
  return (
    <Stack gap="sm" data-testid="type-chooser">
      <Radio.Group
        label={t('draft.chooseType')}
        description={`${t('draft.chooseTypeHelp')} ${t('a11y.typeChooser.help')}`}
        value={selected ?? null}
        onChange={(value) => setSelected(value as RequestTypeId)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
        name="request-type"
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" mt="xs">
          {REQUEST_TYPE_IDS.map((type) => {
            const entry = catalogue?.requestTypes.find((candidate) => candidate.id === type);
            const title = localized(entry?.title) || t(`requestType.${type}`);
            return (
              <Radio.Card
                key={type}
                value={type}
                p="sm"
                radius="sm"
                data-type={type}
                // A card is a button, which centres its content: the titles of a row line up at the top.
                style={{ display: 'flex', flexDirection: 'column', justifyContent: 'flex-start' }}
                // One stop for Tab, as a group of radio buttons is (the chosen type, else the first);
                // the arrow keys move between the types.
                tabIndex={(selected ?? REQUEST_TYPE_IDS[0]) === type ? 0 : -1}
              >
                <Stack gap={2}>
                  <Text fw={600} size="sm">
                    {title}
                  </Text>
                  <Text size="xs" c="gray.7">
                    {entry ? citationText(entry.article, entry.paragraph) : null}
                    {entry ? ' · ' : null}
                    {entry ? t(`channel.${entry.channel}`) : null}
                  </Text>
                  {entry ? <Text size="xs">{localized(entry.explanation)}</Text> : null}
                </Stack>
              </Radio.Card>
            );
          })}
        </SimpleGrid>
      </Radio.Group>
      <div>
        <Button onClick={commit} disabled={!selected} data-testid="type-continue">
          {t('a11y.typeChooser.continue')}
        </Button>
      </div>
    </Stack>
  );
}
