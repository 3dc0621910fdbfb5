/**
 * Which element's fields are being drawn, and the mark of a required element: an asterisk, and
 * "required" for screen readers. The checklist decides what is required (the catalogue, for the
 * request's type); the form only shows it, on the element's legend, on the label of the one field
 * that is the element, or on the heading of a section that is the element, so that every element
 * the checklist counts as required carries the mark the form's note explains. A read-only request
 * has neither the note nor the marks.
 */
import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { ElementId } from '../../../../src/core/request/elements.ts';
import type { ChecklistItem } from './draft.model.ts';

/** The checklist's state of each element (DraftPage provides it), for the fields of the element. */
export const ElementStatusContext = createContext<ReadonlyMap<ElementId, ChecklistItem>>(new Map());

/** The element whose group of fields encloses a field (DraftForm's ElementGroup provides it). */
export const GroupElementContext = createContext<ElementId | undefined>(undefined);

/** Whether required elements are marked: not on a read-only request (DraftForm provides it). */
export const MarksShownContext = createContext(true);

export function useIsRequired(element: ElementId | undefined): boolean {
  const status = useContext(ElementStatusContext);
  return element !== undefined && status.get(element)?.requirement === 'required';
}

/** The mark after the name of `element` (by default the enclosing group's) when it is required. */
export function RequiredMark({ element }: { element?: ElementId }) {
  const { t } = useTranslation();
  const groupElement = useContext(GroupElementContext);
  const isShown = useContext(MarksShownContext);
  const marked = element ?? groupElement;
  const isRequired = useIsRequired(marked);
  if (!isShown || !isRequired) return null;
  return (
    <>
      <span aria-hidden="true" className="required-mark" data-testid="required-mark" data-element={marked}>
        {' '}
        *
      </span>
      <span className="visually-hidden"> ({t('a11y.required')})</span>
    </>
  );
}
