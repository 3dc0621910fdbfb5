/**
 * Why a field is invalid, as a stable code a client words in its own language ("Fill in this
 * field.", "Choose 12 March 2027 or a later date."): the `code` of each entry of a problem's
 * `errors` (src/http/problem.ts). The same codes serve the API's schemas (zod's issue codes,
 * Ajv's keywords) and the rules a service checks itself, such as a case transition's dates.
 */
export const VALIDATION_CODES = [
  'required',
  'too-small',
  'too-big',
  'too-early',
  'too-late',
  'invalid-type',
  'invalid-format',
  'invalid-value',
  'unrecognized-keys',
  /** A treaty record whose State has no signature on record by its date (Art. 64(3)-(4)). */
  'signature-first',
  /** A regional organization's step before any of its member States' (Art. 64(2)-(4)). */
  'member-state-first',
  'invalid',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/** What a too-small or too-big limit counts: a text's characters, a list's items, or a number's value. */
export const LIMIT_UNITS = ['characters', 'items', 'value'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/**
 * A code with what the client needs to say it: `limit` for too-small and too-big, with the `unit`
 * it counts when known ("at most 500 characters", not "at most 500"); `bound` for too-early and
 * too-late, the earliest or latest calendar date the field accepts (inclusive, YYYY-MM-DD).
 */
export type FieldCode = Readonly<{ code: ValidationCode; limit?: number; unit?: LimitUnit; bound?: string }>;

/** What a rule of one's own puts in a zod issue's `params` to give its issue a code. */
export type DateBoundParams = Readonly<{ code: 'too-early' | 'too-late'; bound: string }>;

export function dateBound(code: DateBoundParams['code'], bound: string): { params: DateBoundParams } {
  return { params: { code, bound } };
}

/** One issue of a validator: its keyword (zod's issue code or Ajv's keyword) and parameters. */
export type ValidatorIssue = Readonly<{ keyword?: string; params?: Readonly<Record<string, unknown>> }>;

/**
 * A zod issue's parameters for fieldCodeOf, without the value it was about: zod parsed with
 * `reportInput` puts the input in each issue (a password, a whole body); only whether there was
 * one is kept (`isInputMissing`), so no user input travels on with the error.
 */
export function zodIssueParams(issue: object): Record<string, unknown> {
  const { code: _code, path: _path, message: _message, input, ...params } = issue as Record<string, unknown>;
  return 'input' in issue ? { ...params, isInputMissing: input === undefined } : params;
}

/** Whether the issue's field had no value: true, false, or undefined when the validator did not say. */
function isInputMissing(params: Readonly<Record<string, unknown>>): boolean | undefined {
  return typeof params.isInputMissing === 'boolean' ? params.isInputMissing : undefined;
}

/** The stable code of a validation issue (zod's issue codes, or Ajv's keywords). */
export function fieldCodeOf(issue: ValidatorIssue): FieldCode {
  const params = issue.params ?? {};
  const number = (value: unknown) =>
    typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  switch (issue.keyword) {
    case 'too_small':
    case 'minLength':
    case 'minimum':
    case 'minItems': {
      const limit = number(params.minimum ?? params.limit);
      const unit = limitUnitOf(issue);
      // An empty text where at least one character is needed: the field is simply required.
      if (limit === 1 && unit === 'characters') return { code: 'required' };
      return limitCode('too-small', limit, unit);
    }
    case 'too_big':
    case 'maxLength':
    case 'maximum':
    case 'maxItems': {
      return limitCode('too-big', number(params.maximum ?? params.limit), limitUnitOf(issue));
    }
    case 'invalid_type':
    case 'type':
      // Unknown whether a value was there (zod parsed without reportInput): read as left out.
      return isInputMissing(params) !== false && issue.keyword === 'invalid_type'
        ? { code: 'required' }
        : { code: 'invalid-type' };
    case 'required':
      return { code: 'required' };
    case 'invalid_format':
    case 'invalid_string':
    case 'format':
    case 'pattern':
      return { code: 'invalid-format' };
    case 'invalid_value':
    case 'invalid_enum_value':
    case 'invalid_literal':
      // zod words a missing choice as a wrong one: when it is known that there was no input
      // (zodIssueParams), nothing was chosen and the field is required.
      return isInputMissing(params) === true ? { code: 'required' } : { code: 'invalid-value' };
    case 'enum':
    case 'const':
      return { code: 'invalid-value' };
    case 'unrecognized_keys':
    case 'additionalProperties':
      return { code: 'unrecognized-keys' };
    case 'custom':
      return dateBoundOf(params.params) ?? { code: 'invalid' };
    default:
      return { code: 'invalid' };
  }
}

function limitCode(
  code: 'too-small' | 'too-big',
  limit: number | undefined,
  unit: LimitUnit | undefined,
): FieldCode {
  if (limit === undefined) return { code };
  return unit === undefined ? { code, limit } : { code, limit, unit };
}

/** What a limit counts: by Ajv's keyword, else by the kind of value zod checked (its issue's `origin`). */
function limitUnitOf(issue: ValidatorIssue): LimitUnit | undefined {
  switch (issue.keyword) {
    case 'minLength':
    case 'maxLength':
      return 'characters';
    case 'minItems':
    case 'maxItems':
      return 'items';
    case 'minimum':
    case 'maximum':
      return 'value';
  }
  switch (issue.params?.origin) {
    case 'string':
      return 'characters';
    case 'array':
    case 'set':
      return 'items';
    case 'number':
    case 'int':
    case 'bigint':
      return 'value';
    default:
      return undefined;
  }
}

/** A custom rule's date bound, when it gave one (zod keeps a refinement's `params` on its issue). */
function dateBoundOf(params: unknown): FieldCode | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const { code, bound } = params as { code?: unknown; bound?: unknown };
  if ((code === 'too-early' || code === 'too-late') && typeof bound === 'string') return { code, bound };
  return undefined;
}

/** A path (`['offences', 0, 'name']`) as a JSON Pointer (RFC 6901): `/offences/0/name`. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
