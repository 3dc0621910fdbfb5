/**
 * The ids of the validation rules this code knows how to check. The catalogue
 * (src/data/catalogue/catalogue.json, `rules`) gives each one its severity, parameters, citation
 * and localised message; a rule the catalogue lacks is simply not applied.
 *
 * IMPORTANT: these ids are the contract between the catalogue data and the code. Renaming one
 * means renaming it in the catalogue in the same change.
 */
export const VALIDATION_RULE_IDS = [
  'required-element-missing',
  'element-missing-where-possible',
  'element-not-given-where-possible',
  'offence-out-of-scope',
  'offence-penalty-missing',
  'emergency-justification-missing',
  'preservation-period-too-short',
  'ip-address-without-time',
  'ip-address-without-port',
  'identifier-malformed',
  'identifier-value-missing',
  'identifier-time-invalid',
  'requested-state-unknown',
  'language-not-accepted',
  'language-acceptance-unknown',
  'language-not-read-by-node',
  'language-sent-not-read-by-node',
  'date-invalid',
  'period-reversed',
  'collection-period-too-long',
  'extradition-penalty-below-threshold',
  'provisional-arrest-not-urgent',
  'confidentiality-without-end',
  'deadline-without-reasons',
  'enforcement-needs-final-order',
  'custodian-outside-requested-state',
  'preservation-period-too-long',
  'preservation-period-invalid',
  'offence-not-a-convention-offence',
  'offence-article-untagged',
  'observation-time-in-future',
  'deadline-already-past',
  'past-date-in-future',
  'contact-detail-malformed',
] as const;

export type ValidationRuleId = (typeof VALIDATION_RULE_IDS)[number];
