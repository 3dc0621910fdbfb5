/**
 * The language switch: each language named in itself (and tagged with its `lang`, so a screen
 * reader pronounces it right). Switching also flips Mantine's direction for Arabic.
 */
import { Button, Menu, useDirection } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { GlobeIcon } from '../components/icons.tsx';
import {
  applyLanguage,
  currentLanguage,
  isRightToLeft,
  LOCALES,
  type Locale,
  NATIVE_LANGUAGE_NAMES,
} from '../i18n/i18n.ts';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const { setDirection } = useDirection();
  const language = currentLanguage();

  const choose = (next: Locale) => {
    setDirection(isRightToLeft(next) ? 'rtl' : 'ltr');
    void applyLanguage(next);
  };

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="default"
          aria-label={t('shell.languageSwitch', { language: NATIVE_LANGUAGE_NAMES[language] })}
          data-testid="language-switch"
        >
          <GlobeIcon />
          <span lang={language} style={{ marginInlineStart: 6 }} className="header-label-narrow-hidden">
            {NATIVE_LANGUAGE_NAMES[language]}
          </span>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('shell.language')}</Menu.Label>
        {LOCALES.map((locale) => (
          <Menu.Item
            key={locale}
            onClick={() => choose(locale)}
            lang={locale}
            dir={isRightToLeft(locale) ? 'rtl' : 'ltr'}
            aria-current={locale === language ? 'true' : undefined}
            fw={locale === language ? 700 : 400}
            data-language={locale}
          >
            {NATIVE_LANGUAGE_NAMES[locale]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
