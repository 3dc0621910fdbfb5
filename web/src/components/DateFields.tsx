/**
 * Date and date-time fields in the UI language (not the browser's): the field shows and accepts
 * the language's written form (components/date-text.ts) and ISO typing, and a calendar button
 * opens a Mantine date picker with the language's month and weekday names. The value given and
 * taken stays ISO (`YYYY-MM-DD`, `YYYY-MM-DDTHH:mm`), as a native date field's was.
 */
import { ActionIcon, Popover, Stack, TextInput, type TextInputProps } from '@mantine/core';
import { DatePicker, TimePicker } from '@mantine/dates';
import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { dayjsLocale, formatIsoDate, isIsoValue, parseTypedDate } from './date-text.ts';
import { CalendarIcon } from './icons.tsx';

/** A date (or date-time) written in the language's form, to show how to type one. */
function dateExample(language: string, withTime: boolean): string {
  return formatIsoDate(withTime ? '2026-12-31T09:30' : '2026-12-31', language, withTime);
}

/**
 * What a field says of a date it cannot read, with an example in the language's form: also for a
 * form that checks, before sending, a value the field kept as typed.
 */
export function unreadableDateText(t: TFunction, language: string, withTime: boolean): string {
  return t('lawyer2.dates.unreadable', { example: dateExample(language, withTime) });
}

type DateFieldProps = Readonly<
  Omit<TextInputProps, 'value' | 'onChange' | 'type'> & {
    value: string;
    onChange: (value: string) => void;
    withTime?: boolean;
    /** The earliest and latest dates the calendar offers (`YYYY-MM-DD`); typing is checked by the node. */
    min?: string;
    max?: string;
  }
>;

function LocaleDateField({
  value,
  onChange,
  withTime = false,
  min,
  max,
  readOnly,
  disabled,
  error,
  description,
  ...rest
}: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const [text, setText] = useState(() => formatIsoDate(value, language, withTime));
  const [isUnreadable, setIsUnreadable] = useState(false);
  const [isOpen, setIsOpen] = useState(false);
  // A value set from outside (a reset form, another language) is shown in the language's form;
  // a value that is no date (what a person typed and left, below) is shown as it is, marked.
  useEffect(() => {
    setText((current) =>
      parseTypedDate(current, language, withTime) === value && value !== ''
        ? current
        : formatIsoDate(value, language, withTime),
    );
    setIsUnreadable(value !== '' && !isIsoValue(value, withTime));
  }, [value, language, withTime]);

  const type = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setIsUnreadable(false);
      onChange('');
      return;
    }
    // Half-typed text is not an error yet: the field says so when the person leaves it.
    const parsed = parseTypedDate(next, language, withTime);
    if (parsed !== undefined) {
      setIsUnreadable(false);
      onChange(parsed);
    }
  };
  const [datePart = '', timePart = ''] = value.split('T');
  const example = dateExample(language, withTime);
  return (
    <TextInput
      {...rest}
      value={text}
      onChange={(event) => type(event.currentTarget.value)}
      onBlur={() => {
        const isReadable = text.trim() === '' || parseTypedDate(text, language, withTime) !== undefined;
        setIsUnreadable(!isReadable);
        if (isReadable) setText(formatIsoDate(value, language, withTime));
        // What was typed stays the value, never silently dropped: saving keeps it, and the
        // node's checks name it (a draft's finding, a form's invalid-input).
        else onChange(text.trim());
      }}
      placeholder={t('lawyer2.dates.example', { example })}
      readOnly={readOnly}
      disabled={disabled}
      dir="ltr"
      autoComplete="off"
      description={description}
      error={error ?? (isUnreadable ? unreadableDateText(t, language, withTime) : undefined)}
      inputWrapperOrder={['label', 'description', 'input', 'error']}
      rightSection={
        readOnly || disabled ? null : (
          <Popover opened={isOpen} onChange={setIsOpen} position="bottom-end" trapFocus withinPortal>
            <Popover.Target>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('lawyer2.dates.open')}
                aria-expanded={isOpen}
                onClick={() => setIsOpen((open) => !open)}
                onKeyDown={(event) => {
                  // Escape pressed before the focus has moved into the calendar closes it too, and
                  // only it: not a form that closes on Escape around it, with what was typed.
                  if (event.key === 'Escape' && isOpen) {
                    event.stopPropagation();
                    setIsOpen(false);
                  }
                }}
              >
                <CalendarIcon />
              </ActionIcon>
            </Popover.Target>
            <Popover.Dropdown
              onKeyDown={(event) => {
                // Escape closes the calendar only, not a form that closes on Escape around it.
                if (event.key === 'Escape') {
                  event.stopPropagation();
                  setIsOpen(false);
                }
              }}
            >
              <Stack gap="xs">
                <DatePicker
                  locale={dayjsLocale(language)}
                  minDate={min}
                  maxDate={max}
                  // Text the field could not read is not a day: the calendar does not guess one from it.
                  value={isIsoValue(datePart, false) ? datePart : null}
                  defaultDate={isIsoValue(datePart, false) ? datePart : undefined}
                  nextLabel={t('lawyer2.dates.next')}
                  previousLabel={t('lawyer2.dates.previous')}
                  onChange={(picked) => {
                    if (!picked) return;
                    onChange(
                      withTime ? `${picked}T${timePart === '' ? '00:00' : timePart.slice(0, 5)}` : picked,
                    );
                    if (!withTime) setIsOpen(false);
                  }}
                />
                {withTime ? (
                  <TimePicker
                    label={t('lawyer2.dates.time')}
                    format="24h"
                    value={timePart === '' ? '' : `${timePart.slice(0, 5)}:00`}
                    hoursInputLabel={t('lawyer2.dates.hours')}
                    minutesInputLabel={t('lawyer2.dates.minutes')}
                    onChange={(time) => {
                      if (!/^\d{2}:\d{2}/.test(time)) return;
                      const date = datePart === '' ? new Date().toISOString().slice(0, 10) : datePart;
                      onChange(`${date}T${time.slice(0, 5)}`);
                    }}
                  />
                ) : null}
              </Stack>
            </Popover.Dropdown>
          </Popover>
        )
      }
    />
  );
}

/** A date field (`YYYY-MM-DD`) in the UI language. */
export function LocaleDateInput(props: Omit<DateFieldProps, 'withTime'>) {
  return <LocaleDateField {...props} />;
}

/** A local date-time field (`YYYY-MM-DDTHH:mm`) in the UI language. */
export function LocaleDateTimeInput(props: Omit<DateFieldProps, 'withTime'>) {
  return <LocaleDateField {...props} withTime />;
}
