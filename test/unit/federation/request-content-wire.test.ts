/**
 * The request content of protocol v1 is a contract between nodes of different States: a change of
 * the draft model that changes what v1 nodes exchange must be deliberate (docs/federation.md,
 * section 10). The content's JSON Schema is frozen in test/fixtures/federation-vectors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { RequestContentSchema } from '../../../src/core/request/draft.ts';

const FROZEN_PATH = path.join(
  import.meta.dirname,
  '..',
  '..',
  'fixtures',
  'federation-vectors',
  'request-content.v1.schema.json',
);

/**
 * The schema's own shape: where the content schema carries a name for the API document (a `$ref`
 * to its entry in `$defs`), the entry itself. The name is not part of the wire.
 */
function shapeOf(jsonSchema: Record<string, unknown>): Record<string, unknown> {
  const { $ref, $defs, ...rest } = jsonSchema as { $ref?: string; $defs?: Record<string, object> };
  if (typeof $ref !== 'string' || !$defs) return jsonSchema;
  const named = $defs[$ref.split('/').at(-1) ?? ''];
  assert.ok(named, `${$ref} is defined`);
  assert.deepEqual(Object.keys($defs), [$ref.split('/').at(-1)], 'no other definitions to inline');
  return { ...rest, ...named };
}

describe('request content of protocol v1', () => {
  it('is what the frozen JSON Schema says', () => {
    const current = shapeOf(z.toJSONSchema(RequestContentSchema) as Record<string, unknown>);
    const frozen = JSON.parse(readFileSync(FROZEN_PATH, 'utf8')) as unknown;
    assert.deepEqual(
      current,
      frozen,
      'The draft model changed what protocol v1 nodes exchange in request.submitted. Read ' +
        'docs/federation.md, section 10: adding an optional member is allowed (then write the new ' +
        'schema to test/fixtures/federation-vectors/request-content.v1.schema.json); renaming, ' +
        'removing or retyping a member, or making one required, is a new protocol version.',
    );
  });
});
