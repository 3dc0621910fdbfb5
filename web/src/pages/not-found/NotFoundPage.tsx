/** A path that is no screen of this UI. */
import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RouterLink } from '../../app/router.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle text={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <Text>
        {t('notFound.text')}{' '}
        <Anchor component={RouterLink} href="/">
          {t('notFound.home')}
        </Anchor>
      </Text>
    </>
  );
}
