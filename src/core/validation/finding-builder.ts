/**
 * Turns "rule X fired on element Y with these values" into a Finding, taking the severity,
 * citation and message template from the catalogue in the caller's language. Checks never write
 * severities, articles or sentences themselves: a lawyer corrects those in the catalogue data.
 */
import { type Catalogue, type Citation, formatCitation, type RuleEntry } from '../catalogue/catalogue.ts';
import { formatMessage, isRightToLeft, type Locale } from '../i18n.ts';
import type { RequestTypeId } from '../request/draft.ts';
import type { Finding } from './finding.ts';
import type { ValidationRuleId } from './rule-ids.ts';

export type FindingDetails = Readonly<{
  /** The element id or field path the finding is about, e.g. `custodian` or `identifiers[0].port`. */
  element: string;
  /** Values for the message template's `{placeholders}`. */
  values?: Readonly<Record<string, string | number>>;
  /** Cite this instead of the rule's own citation (the element rules cite the element). */
  citation?: Citation;
}>;

export type FindingBuilder = Readonly<{
  /** Whether the catalogue holds the rule; a check of an absent rule can skip its work. */
  hasRule: (id: ValidationRuleId) => boolean;
  /** The finding, or undefined when the catalogue lacks the rule (it is then not applied). */
  buildFinding: (id: ValidationRuleId, details: FindingDetails) => Finding | undefined;
  /**
   * A numeric parameter of the rule (e.g. minimumDays), or `fallback` when the catalogue entry
   * has no usable number under that name.
   */
  readNumberParameter: (id: ValidationRuleId, name: string, fallback: number) => number;
}>;

export function createFindingBuilder(
  catalogue: Catalogue,
  locale: Locale,
  requestType?: RequestTypeId,
): FindingBuilder {
  const rules = new Map<string, RuleEntry>(catalogue.rules.map((rule) => [rule.id, rule]));
  return {
    hasRule: (id) => rules.has(id),
    buildFinding: (id, details) => {
      const rule = rules.get(id);
      if (!rule) return undefined;
      return {
        severity: rule.severity,
        element: details.element,
        article: formatCitation(
          details.citation ?? (requestType && rule.citationByType?.[requestType]) ?? rule,
        ),
        message: formatMessage(rule.message[locale], details.values ?? {}, {
          isolateValues: isRightToLeft(locale),
        }),
        rule: id,
      };
    },
    readNumberParameter: (id, name, fallback) => readNumber(rules.get(id)?.parameters[name], fallback),
  };
}

/** A number from catalogue parameters, which may hold numbers, strings or booleans. */
export function readNumber(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return fallback;
}
