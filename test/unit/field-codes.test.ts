/**
 * A refused field's code says what its limit counts (src/core/field-codes.ts), so that a client
 * words "at most 500 characters" rather than "at most 500": zod's issues by the kind of value
 * checked, Ajv's by keyword.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { fieldCodeOf, zodIssueParams } from '../../src/core/field-codes.ts';

function codeOfZod(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value, { reportInput: true });
  assert.equal(result.success, false);
  const [issue] = result.error?.issues ?? [];
  assert.ok(issue);
  return fieldCodeOf({ keyword: issue.code, params: zodIssueParams({ ...issue }) });
}

describe('field codes: what a limit counts', () => {
  it('counts characters of a text, items of a list and the value of a number (zod)', () => {
    assert.deepEqual(codeOfZod(z.string().max(500), 'x'.repeat(501)), {
      code: 'too-big',
      limit: 500,
      unit: 'characters',
    });
    assert.deepEqual(codeOfZod(z.string().min(3), 'xy'), { code: 'too-small', limit: 3, unit: 'characters' });
    assert.deepEqual(codeOfZod(z.array(z.string()).max(2), ['a', 'b', 'c']), {
      code: 'too-big',
      limit: 2,
      unit: 'items',
    });
    assert.deepEqual(codeOfZod(z.number().int().min(0), -1), { code: 'too-small', limit: 0, unit: 'value' });
    assert.deepEqual(codeOfZod(z.number().max(1000), 1001), { code: 'too-big', limit: 1000, unit: 'value' });
  });

  it('takes an empty text where one character is needed as a required field', () => {
    assert.deepEqual(codeOfZod(z.string().min(1), ''), { code: 'required' });
    assert.deepEqual(fieldCodeOf({ keyword: 'minLength', params: { limit: 1 } }), { code: 'required' });
  });

  it('takes a choice not made as a required field, and a wrong one as a value not offered', () => {
    const choice = z.object({ action: z.enum(['signature', 'ratification']) });
    assert.deepEqual(codeOfZod(choice, {}), { code: 'required' });
    assert.deepEqual(codeOfZod(choice, { action: 'adoption' }), { code: 'invalid-value' });
    // A value of the wrong kind is not a field left out.
    assert.deepEqual(codeOfZod(z.object({ n: z.number() }), { n: 'three' }), { code: 'invalid-type' });
    assert.deepEqual(codeOfZod(z.object({ n: z.number() }), {}), { code: 'required' });
    // The value itself never rides on: only whether there was one.
    assert.deepEqual(
      zodIssueParams({ code: 'too_small', path: [], message: 'm', input: 'secret', minimum: 12 }),
      {
        minimum: 12,
        isInputMissing: false,
      },
    );
  });

  it("counts by Ajv's keyword", () => {
    assert.deepEqual(fieldCodeOf({ keyword: 'maxLength', params: { limit: 35 } }), {
      code: 'too-big',
      limit: 35,
      unit: 'characters',
    });
    assert.deepEqual(fieldCodeOf({ keyword: 'minItems', params: { limit: 2 } }), {
      code: 'too-small',
      limit: 2,
      unit: 'items',
    });
    assert.deepEqual(fieldCodeOf({ keyword: 'maximum', params: { limit: 7 } }), {
      code: 'too-big',
      limit: 7,
      unit: 'value',
    });
  });

  it('gives no unit where the limit counts something else, and no limit where none is known', () => {
    assert.deepEqual(fieldCodeOf({ keyword: 'too_big', params: { maximum: 9, origin: 'date' } }), {
      code: 'too-big',
      limit: 9,
    });
    assert.deepEqual(fieldCodeOf({ keyword: 'too_small', params: {} }), { code: 'too-small' });
  });
});
