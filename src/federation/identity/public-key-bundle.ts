/**
 * The public keys a node hands to the secretariat (`comity keys public` prints it; `comity
 * secretariat add-node --keys` and `add-key` read it), and that a node pins for its secretariat
 * (`comity init --secretariat-key`). It holds the current keys and, during a rotation, the next
 * ones, and what the node reads (`accepts`). It never holds private material: the schema refuses any member but kty, crv and x.
 */
import { z } from 'zod';
import {
  AuthorityKindSchema,
  KidSchema,
  NodeAcceptsSchema,
  NodeIdSchema,
  PublicOkpJwkSchema,
} from '../protocol/envelope.ts';

export const PublicKeyEntrySchema = z
  .object({
    kid: KidSchema,
    use: z.enum(['sig', 'enc']),
    /** current: in use now; next: created by `comity keys rotate`, to be published before the switch. */
    status: z.enum(['current', 'next']),
    jwk: PublicOkpJwkSchema,
  })
  .strict()
  .refine((key) => (key.use === 'sig' ? key.jwk.crv === 'Ed25519' : key.jwk.crv === 'X25519'), {
    message: 'a sig key is Ed25519 and an enc key is X25519',
    path: ['jwk', 'crv'],
  });
export type PublicKeyEntry = z.infer<typeof PublicKeyEntrySchema>;

export const PublicKeyBundleSchema = z
  .object({
    v: z.literal(1),
    nodeId: NodeIdSchema,
    state: z.string().regex(/^[A-Z]{2}$/),
    authority: AuthorityKindSchema,
    endpoint: z.url({ protocol: /^https?$/ }),
    keys: z.array(PublicKeyEntrySchema).min(1).max(8),
    /** What the node reads (message and request types), published in the directory; absent: the v1 baseline. */
    accepts: NodeAcceptsSchema.optional(),
  })
  .strict();
export type PublicKeyBundle = z.infer<typeof PublicKeyBundleSchema>;
