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
import { AuthoritySchema, CustodianSchema, RequestContentSchema } from '../../../src/core/request/draft.ts';
import { keepKnownMembers } from '../../../src/federation/messages/known-members.ts';

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

describe('a v1 node that predates the structured contact and the 24/7 fields', () => {
  /** The request content as nodes read it before these optional members were added. */
  const earlierAuthority = AuthoritySchema.omit({ contactDetails: true });
  const EarlierContentSchema = RequestContentSchema.omit({
    requestDate: true,
    extension: true,
    verificationContact: true,
    validatingAuthority: true,
    assistanceKinds: true,
  }).extend({
    requestingAuthority: earlierAuthority.optional(),
    requestedAuthority: earlierAuthority.optional(),
    custodian: CustodianSchema.omit({ isUnknown: true }).optional(),
  });

  it('reads a newer request, keeping the free-text contact line it knows', () => {
    const newer = RequestContentSchema.parse({
      type: 'preservation',
      requestingAuthority: {
        state: 'GB',
        name: 'NCA',
        contact: 'NCA 24/7 desk, +44 20 7946 0000',
        contactDetails: { phone: '+44 20 7946 0000', officeHours: '24/7', preferredReply: 'phone' },
      },
      requestDate: '2026-12-11',
      extension: { isExtension: true, earlierReference: 'NCA-2026-0042' },
      verificationContact: { name: 'Duty officer', phone: '+44 20 7946 0001' },
      validatingAuthority: { name: 'CPS', decisionReference: 'D-1' },
      custodian: { isUnknown: true },
    });
    assert.throws(() => EarlierContentSchema.parse(newer), 'the earlier schema is strict');
    const read = EarlierContentSchema.parse(keepKnownMembers(EarlierContentSchema, newer));
    assert.deepEqual(read, {
      type: 'preservation',
      requestingAuthority: { state: 'GB', name: 'NCA', contact: 'NCA 24/7 desk, +44 20 7946 0000' },
      custodian: {},
    });
  });
});
