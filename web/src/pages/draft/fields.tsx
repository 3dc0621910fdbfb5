/**
 * Form fields bound to a path of the draft's content. Each field has a visible label (WCAG 3.3.2)
 * and writes through the form context, so the form itself reads as a plain list of fields.
 */
import { Checkbox, MultiSelect, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import { createContext, type ReactNode, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { LocaleDateInput } from '../../components/DateFields.tsx';
import { jsonPointer } from '../../../../src/core/field-codes.ts';
import type { RequestContent } from '../../../../src/core/request/draft.ts';
import { IsolatedCitations } from '../../components/IsolatedCitations.tsx';
import { type FieldFinding, fieldIdOf, type Path, readPath } from './draft.model.ts';
import { RequiredMark } from './required-mark.tsx';

export type DraftFormContextValue = Readonly<{
  content: RequestContent;
  update: (path: Path, value: unknown) => void;
  isReadOnly: boolean;
  /** The last failed save's field errors by JSON pointer, in the UI language (components/field-errors.ts). */
  fieldErrors?: ReadonlyMap<string, string>;
  /** What validation finds about single fields, by JSON pointer (draft.model.ts, fieldFindingsOf). */
  fieldFindings?: ReadonlyMap<string, FieldFinding>;
  /**
   * A read-only request shows what was written: its empty fields are left out (unless the reader
   * asks for every field), and the drafter's hints and example values with them.
   */
  isHidingEmpty?: boolean;
}>;

export const DraftFormContext = createContext<DraftFormContextValue | undefined>(undefined);

export function useDraftForm(): DraftFormContextValue {
  const value = useContext(DraftFormContext);
  if (!value) throw new Error('field outside DraftFormContext');
  return value;
}

/**
 * What is wrong with the field at `path`, shown under it (Mantine ties it to the field with
 * aria-describedby and sets aria-invalid): the node's complaint after a failed save, in the UI
 * language, else what validation finds about this very field (a warning in amber, a blocking
 * finding in red).
 */
function useFieldError(path: Path): ReactNode {
  const { fieldErrors, fieldFindings } = useDraftForm();
  const pointer = jsonPointer(path);
  const saveError = fieldErrors?.get(pointer);
  if (saveError) return saveError;
  const finding = fieldFindings?.get(pointer);
  if (!finding) return undefined;
  return finding.isBlocking ? (
    <IsolatedCitations text={finding.message} />
  ) : (
    <span className="field-warning" data-testid="field-warning">
      <IsolatedCitations text={finding.message} />
    </span>
  );
}

type FieldProps = Readonly<{
  path: Path;
  label: string;
  description?: ReactNode;
  placeholder?: string;
  /** The field is its group's element itself: its label carries the element's required mark. */
  isElement?: boolean;
}>;

/** The field's label, with the mark of its group's element when the field is that element. */
function labelOf(label: string, isElement: boolean | undefined): ReactNode {
  if (!isElement) return label;
  return (
    <>
      {label}
      <RequiredMark />
    </>
  );
}

/**
 * How a field shows in the form: `isHidden` for an empty field of a read-only request that hides
 * its empty fields; the hint and the example value only where the field can be filled in.
 */
function useFieldDisplay(
  value: unknown,
  { description, placeholder }: Pick<FieldProps, 'description' | 'placeholder'>,
): { isHidden: boolean; description?: ReactNode; placeholder?: string } {
  const { isReadOnly, isHidingEmpty } = useDraftForm();
  if (!isReadOnly) return { isHidden: false, description, placeholder };
  return { isHidden: (isHidingEmpty ?? false) && isEmptyValue(value) };
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/**
 * Gives a text field `dir="auto"`: Latin text typed in an Arabic screen (an e-mail, an IP
 * address) keeps its own order, and Arabic in a Latin screen its own. Set on the element itself
 * because Mantine puts a `dir` prop on the field's wrapper, not on the input.
 */
function autoDirection(element: HTMLInputElement | HTMLTextAreaElement | null): void {
  element?.setAttribute('dir', 'auto');
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function TextField({ path, label, isElement, type, ...hints }: FieldProps & { type?: 'text' }) {
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const value = asText(readPath(content, path));
  const display = useFieldDisplay(value, hints);
  if (display.isHidden) return null;
  // Read-only, a line is shown whole, wrapped (an authority's name, its contact details), not cut
  // at the box's edge as a single-line field cuts it.
  if (isReadOnly) {
    return (
      <Textarea
        id={fieldIdOf(path)}
        error={error}
        label={labelOf(label, isElement)}
        autosize
        minRows={1}
        ref={autoDirection}
        value={value}
        readOnly
      />
    );
  }
  return (
    <TextInput
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      placeholder={display.placeholder}
      type={type ?? 'text'}
      ref={autoDirection}
      value={value}
      onChange={(event) => update(path, event.currentTarget.value)}
      readOnly={isReadOnly}
    />
  );
}

/** A date in the UI language's written form, with a calendar; stored as `YYYY-MM-DD`. */
export function DateField({ path, label, isElement, ...hints }: FieldProps) {
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const value = asText(readPath(content, path));
  const display = useFieldDisplay(value, hints);
  if (display.isHidden) return null;
  return (
    <LocaleDateInput
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      value={value}
      onChange={(next) => update(path, next)}
      readOnly={isReadOnly}
    />
  );
}

export function LongTextField({ path, label, isElement, ...hints }: FieldProps) {
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const value = asText(readPath(content, path));
  const display = useFieldDisplay(value, hints);
  if (display.isHidden) return null;
  return (
    <Textarea
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      placeholder={display.placeholder}
      autosize
      minRows={2}
      maxRows={12}
      ref={autoDirection}
      value={value}
      onChange={(event) => update(path, event.currentTarget.value)}
      readOnly={isReadOnly}
    />
  );
}

export function NumberField({
  path,
  label,
  isElement,
  min,
  max,
  allowDecimal,
  ...hints
}: FieldProps & { min?: number; max?: number; allowDecimal?: boolean }) {
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const value = readPath(content, path);
  const display = useFieldDisplay(typeof value === 'number' ? value : undefined, hints);
  if (display.isHidden) return null;
  return (
    <NumberInput
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      value={typeof value === 'number' ? value : ''}
      onChange={(next) => update(path, typeof next === 'number' ? next : undefined)}
      min={min}
      max={max}
      allowDecimal={allowDecimal ?? false}
      readOnly={isReadOnly}
    />
  );
}

export type Option = Readonly<{ value: string; label: string }>;

export function SelectField({
  path,
  label,
  isElement,
  options,
  isSearchable,
  isClearable = true,
  toValue,
  fromValue,
  ...hints
}: FieldProps & {
  options: readonly Option[];
  isSearchable?: boolean;
  isClearable?: boolean;
  /** Converts the stored value to the option value (e.g. a number to a string). */
  toValue?: (stored: unknown) => string | null;
  fromValue?: (selected: string | null) => unknown;
}) {
  const { t } = useTranslation();
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const stored = readPath(content, path);
  const value = toValue ? toValue(stored) : typeof stored === 'string' ? stored : null;
  const display = useFieldDisplay(value, { ...hints, placeholder: hints.placeholder ?? t('common.choose') });
  if (display.isHidden) return null;
  return (
    <Select
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      placeholder={display.placeholder}
      data={options as Option[]}
      value={value}
      onChange={(next) => update(path, fromValue ? fromValue(next) : (next ?? undefined))}
      searchable={isSearchable}
      clearable={isClearable}
      // A choice that cannot be cleared cannot be undone either by choosing it again.
      allowDeselect={isClearable}
      nothingFoundMessage={t('common.nothingFound')}
      readOnly={isReadOnly}
      // Read only, no chevron: nothing to open, so it does not look like a choice to make.
      rightSection={isReadOnly ? null : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function MultiSelectField({
  path,
  label,
  isElement,
  options,
  ...hints
}: FieldProps & { options: readonly Option[] }) {
  const { t } = useTranslation();
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const stored = readPath(content, path);
  const value = Array.isArray(stored) ? (stored as string[]) : [];
  const display = useFieldDisplay(value, { ...hints, placeholder: t('common.choose') });
  if (display.isHidden) return null;
  return (
    <MultiSelect
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      placeholder={display.placeholder}
      data={options as Option[]}
      value={value}
      onChange={(next) => update(path, next)}
      searchable
      clearable
      nothingFoundMessage={t('common.nothingFound')}
      readOnly={isReadOnly}
      rightSection={isReadOnly ? null : undefined}
    />
  );
}

export function CheckField({ path, label, isElement, ...hints }: FieldProps) {
  const { content, update, isReadOnly } = useDraftForm();
  const error = useFieldError(path);
  const isChecked = readPath(content, path) === true;
  const display = useFieldDisplay(isChecked ? true : undefined, hints);
  if (display.isHidden) return null;
  return (
    <Checkbox
      id={fieldIdOf(path)}
      error={error}
      label={labelOf(label, isElement)}
      description={display.description}
      checked={isChecked}
      onChange={(event) => update(path, event.currentTarget.checked ? true : undefined)}
      disabled={isReadOnly}
    />
  );
}

/** A yes / no question where "not stated" is a distinct answer (the element is absent until answered). */
export function YesNoField({ path, label, description, isElement }: FieldProps) {
  const { t } = useTranslation();
  return (
    <SelectField
      path={path}
      label={label}
      isElement={isElement}
      description={description}
      placeholder={t('common.notStated')}
      options={[
        { value: 'yes', label: t('common.yes') },
        { value: 'no', label: t('common.no') },
      ]}
      toValue={(stored) => (stored === true ? 'yes' : stored === false ? 'no' : null)}
      fromValue={(selected) => (selected === 'yes' ? true : selected === 'no' ? false : undefined)}
    />
  );
}
