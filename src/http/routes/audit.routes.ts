/**
 * The audit log for oversight (the `audit:read` permission, the auditor role): its entries,
 * newest first, with filters; the current tree head and the latest signed one; inclusion and
 * consistency proofs (RFC 6962) that `comity audit verify --proof` checks offline.
 */
import { z } from 'zod';
import {
  auditConsistencyProof,
  auditInclusionProof,
  currentTreeHead,
  listAudit,
  witnessedTreeHeads,
} from '../../services/audit.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const Count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const AuditEntrySchema = z
  .object({
    seq: z.number().describe('the entry number, from 0: its leaf index in the tree'),
    leafHash: z.string().describe('SHA-256(0x00 || entry bytes), hex'),
    entry: z
      .object({
        v: z.literal(1),
        seq: z.number(),
        at: z.string(),
        action: z
          .string()
          .describe('api:<METHOD> <route>, auth:sign-in, federation:send, federation:receive...'),
        actor: z.object({
          kind: z.enum(['user', 'anonymous', 'operator', 'node']),
          id: z.string().optional(),
          username: z.string().optional(),
          nodeId: z.string().optional(),
        }),
        resource: z.string().optional(),
        outcome: z.enum(['success', 'failure']),
        detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      })
      .nullable()
      .describe('the entry decoded from its canonical JSON bytes (null if they are not an entry)'),
    caseReference: z
      .string()
      .nullable()
      .describe(
        'the case reference of the request the entry is about, as the request has it now (not part of the entry nor its hash); null when there is none',
      ),
    actorName: z
      .string()
      .nullable()
      .describe(
        'the name the node shows its user actor by now (not part of the entry nor its hash); null for other actors or an account deleted since',
      ),
  })
  .meta({ id: 'AuditEntry' });

const TreeHeadSchema = z
  .object({
    treeSize: z.number(),
    rootHash: z.string().describe('RFC 6962 root of the entries, hex'),
    signed: z
      .object({
        treeSize: z.number(),
        rootHash: z.string(),
        signedAt: z.string(),
        keyId: z.string().describe("the kid of the node's federation signing key"),
        signature: z.string().describe('compact JWS (EdDSA, typ comity-audit-tree-head+jws) over the head'),
      })
      .nullable()
      .describe('the latest signed tree head, if the node has signed one'),
  })
  .meta({ id: 'AuditTreeHead' });

export async function auditRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/audit/entries',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries, newest first; page with before=<seq of the last entry shown>',
        querystring: z
          .object({
            action: z.string().max(200).optional().describe('entries whose action starts with this'),
            kind: z
              .enum(['read', 'change'])
              .optional()
              .describe('read: the reads of case content (api:GET …); change: every other entry'),
            actor: z
              .string()
              .max(200)
              .optional()
              .describe('a username, node id or "operator", or the name a person is shown by'),
            outcome: z.enum(['success', 'failure']).optional(),
            before: Count.optional(),
            limit: z.coerce.number().int().min(1).max(500).optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(AuditEntrySchema), treeSize: z.number() }) },
      },
    },
    async (request) => {
      const { entries, treeSize } = await listAudit(context, request.query, actorOf(request));
      return { items: entries as never, treeSize };
    },
  );

  app.get(
    '/api/v1/audit/tree-head',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'The current tree head of the audit log and the latest signed one',
        response: { 200: TreeHeadSchema },
      },
    },
    async () => currentTreeHead(context),
  );

  app.get(
    '/api/v1/audit/witnessed-heads',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          'The signed tree heads other nodes sent this node as their witness (audit.tree-head), newest first; a forked or smaller one is flagged',
        response: {
          200: z.object({
            items: z.array(
              z
                .object({
                  nodeId: z.string(),
                  treeSize: z.number(),
                  rootHash: z.string().describe('RFC 6962 root, hex'),
                  signedAt: z.string(),
                  receivedAt: z.string(),
                  keyId: z.string(),
                  signature: z.string().describe('the compact JWS as the node signed it'),
                  flag: z
                    .enum(['smaller', 'forked'])
                    .nullable()
                    .describe(
                      "smaller: below a head the node sent before; forked: the same size as the node's previous head with another root. Either way its log was rewritten",
                    ),
                })
                .meta({ id: 'AuditWitnessedHead' }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await witnessedTreeHeads(context) }),
  );

  app.get(
    '/api/v1/audit/proofs/inclusion',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          'Inclusion proof (RFC 6962 audit path) of an entry in the tree of a given size (default: now)',
        querystring: z.object({ index: Count, treeSize: Count.optional() }).strict(),
        response: {
          200: z.object({
            index: z.number(),
            treeSize: z.number(),
            leafHash: z.string(),
            rootHash: z.string(),
            proof: z.array(z.string()),
            entry: z.string().describe('the entry bytes, base64'),
          }),
        },
      },
    },
    async (request) => auditInclusionProof(context, request.query.index, request.query.treeSize),
  );

  app.get(
    '/api/v1/audit/proofs/consistency',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          'Consistency proof (RFC 6962) between the tree of oldSize entries and a later one (default: now)',
        querystring: z.object({ oldSize: Count, newSize: Count.optional() }).strict(),
        response: {
          200: z.object({
            oldSize: z.number(),
            newSize: z.number(),
            oldRootHash: z.string(),
            newRootHash: z.string(),
            proof: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => auditConsistencyProof(context, request.query.oldSize, request.query.newSize),
  );
}
