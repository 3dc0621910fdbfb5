/**
 * `audit.tree-head`: a node sends the signed head of its audit log (size, RFC 6962 root, the
 * signed JWS itself) to its witness, by default the secretariat's node (COMITY_AUDIT_WITNESS_NODE
 * names another). The witness keeps every head it receives; a head smaller than the previous
 * one from the same node, or of the same size with another root, is kept with a flag
 * (`smaller`, `forked`): the sender's log was rewritten. No case content travels.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { insertOutboxMessage } from '../../storage/outbox.repository.ts';
import type { FederationRuntime } from '../context.ts';
import { JWS_TYPES, parseCompactJws } from '../protocol/compact-jws.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

export const AuditTreeHeadBodySchema = z
  .object({
    treeSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** The RFC 6962 root of the sender's first treeSize entries, lower-case hex. */
    rootHash: z.string().regex(/^[0-9a-f]{64}$/),
    signedAt: z.iso.datetime(),
    /** The head as the sender signed it: compact JWS, typ comity-audit-tree-head+jws. */
    signature: z.string().min(1).max(4096),
  })
  .strict();
export type AuditTreeHeadBody = z.infer<typeof AuditTreeHeadBodySchema>;

export const auditTreeHeadMessage = defineMessage<AuditTreeHeadBody>({
  type: 'audit.tree-head',
  bodySchema: AuditTreeHeadBodySchema,
  label: {
    ar: 'رأس شجرة سجل التدقيق',
    en: 'Audit tree head',
    es: 'Cabeza del árbol de auditoría',
    fr: "Tête de l'arbre d'audit",
    ru: 'Вершина дерева аудита',
    zh: '审计树头',
  },
  receive: async ({ envelope, body, receivedAt }) => {
    const parsed = parseCompactJws(body.signature, JWS_TYPES.auditTreeHead);
    const payload = parsed.ok ? (parsed.payload as Record<string, unknown>) : undefined;
    if (
      !parsed.ok ||
      payload?.treeSize !== body.treeSize ||
      payload?.rootHash !== body.rootHash ||
      payload?.nodeId !== envelope.from
    ) {
      return {
        kind: 'refused',
        reason: 'schema-invalid',
        detail: 'the signed tree head does not match the size, root and sender of the message',
      };
    }
    return {
      kind: 'audit-witnessed-head',
      head: {
        nodeId: envelope.from,
        treeSize: body.treeSize,
        rootHash: body.rootHash,
        signedAt: new Date(body.signedAt),
        keyId: parsed.header.kid,
        signature: body.signature,
        receivedAt,
      },
    };
  },
  onOutcome: () => undefined,
  // Its case id is the witness's queue ("audit-tree-head:<node>"), not a request.
  isAboutRequest: false,
});

/** Queues a signed tree head for the witness (refused with unsupported-by-peer when it does not read the type). */
export async function queueAuditTreeHead(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ to: DirectoryNode; body: AuditTreeHeadBody }>,
): Promise<void> {
  const now = context.now();
  const caseId = `audit-tree-head:${input.to.nodeId}`;
  const sealed = await sealForPeer(federation, auditTreeHeadMessage, {
    to: input.to,
    caseId,
    now,
    body: input.body,
  });
  await insertOutboxMessage(context.db, { ...sealed, caseId, peerNodeId: input.to.nodeId, now });
}
