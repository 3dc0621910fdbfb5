/**
 * Small lookups into the Convention catalogue, shared by validation, the HTTP layer and the formal
 * document. They read the catalogue they are given (never a global), so tests can pass a modified
 * copy, and they return `undefined` rather than throwing, except `getRequestType`, which callers
 * use when an unknown id is a client error.
 */
import { AppError } from '../errors.ts';
import type { Locale } from '../i18n.ts';
import type { ElementId } from '../request/elements.ts';
import type { Catalogue, RequestTypeEntry, RuleEntry } from './catalogue.ts';

export type ElementEntry = Catalogue['elements'][number];
export type DefinitionEntry = Catalogue['definitions'][number];

/** The request type entry with this id, if the catalogue describes it. */
export function findRequestType(catalogue: Catalogue, id: string): RequestTypeEntry | undefined {
  return catalogue.requestTypes.find((entry) => entry.id === id);
}

/** Like findRequestType, but an unknown id is a `not-found` AppError (the HTTP layer makes it a 404). */
export function getRequestType(catalogue: Catalogue, id: string): RequestTypeEntry {
  const entry = findRequestType(catalogue, id);
  if (!entry) throw new AppError('not-found', `the catalogue has no request type "${id}"`);
  return entry;
}

/** The validation rule with this id; validation reads its severity, parameters and message from it. */
export function findRule(catalogue: Catalogue, id: string): RuleEntry | undefined {
  return catalogue.rules.find((entry) => entry.id === id);
}

/** The element description (label and help in six languages) with this id. */
export function findElement(catalogue: Catalogue, id: string): ElementEntry | undefined {
  return catalogue.elements.find((entry) => entry.id === id);
}

/** A defined term of Art. 2 (serious crime, emergency...), with its parameters. */
export function findDefinition(catalogue: Catalogue, id: DefinitionEntry['id']): DefinitionEntry | undefined {
  return catalogue.definitions.find((entry) => entry.id === id);
}

/**
 * The element's label in the given language, for the `{element}` placeholder of findings: the
 * name the request type gives it (`elementLabels`) when it gives one, else the element's own.
 * Falls back to the id, so a finding is never blank even if the catalogue lacks the element.
 */
export function elementLabel(
  catalogue: Catalogue,
  id: string,
  locale: Locale,
  requestType?: Pick<RequestTypeEntry, 'elementLabels'>,
): string {
  const ofType = requestType?.elementLabels?.[id as ElementId];
  return ofType?.[locale] ?? findElement(catalogue, id)?.label[locale] ?? id;
}

/** Whether the rule applies to the request type (the type lists the rule id in its `rules`). */
export function isRuleApplicable(catalogue: Catalogue, typeId: string, ruleId: string): boolean {
  return findRequestType(catalogue, typeId)?.rules.includes(ruleId) ?? false;
}
