/**
 * Evidence packages (docs/evidence.md, docs/federation.md "Evidence packages"): on the executing
 * side, make a package of stored items of a received request and ask to send it (a supervisor
 * approves, which offers it, or returns it); on either side, list a
 * request's packages with their manifest and verification. And the one federation route of
 * packages: GET /federation/v1/evidence/{package}/chunks/{hash}, where the addressed node fetches
 * the encrypted chunks, its request signed with its federation key (header Comity-Signature).
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { REQUEST_SIGNATURE_HEADER } from '../../federation/protocol/request-signature.ts';
import {
  CreateEvidencePackageSchema,
  createEvidencePackage,
  decideEvidencePackage,
  listEvidencePackages,
  sendEvidencePackage,
  serveEvidenceChunk,
} from '../../services/evidence-transfer.service.ts';
import { EvidenceExportSchema, exportEvidence } from '../../services/evidence-export.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import { DecisionBodySchema } from './approvals.routes.ts';
import { localeOf } from '../negotiation.ts';

const RequestParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const PackageParamsSchema = RequestParamsSchema.extend({
  packageId: z.string().describe('the evidence package id'),
});

const Said = z.string().nullable();
const ManifestSchema = z
  .object({
    v: z.literal(1),
    packageId: z.string(),
    from: z.string().describe('the sending (executing) node'),
    to: z.string().describe('the addressed (requesting) node'),
    request: z.object({ id: z.string(), caseReference: z.string().nullable() }),
    createdAt: z.string(),
    items: z.array(
      z.object({
        id: z.string().describe("the item's id on the sending node"),
        name: z.string(),
        mediaType: z.string(),
        sizeBytes: z.number().int(),
        sha256: z.string(),
        description: z.string(),
        isSensitive: z.boolean(),
        acquisition: z.object({
          what: Said,
          fromWhom: Said,
          when: Said,
          how: Said,
          byWhom: Said,
          legalBasis: Said,
        }),
      }),
    ),
    conditions: z.object({
      limitedToRequestPurpose: z.boolean().describe('Art. 40: use limited to the purposes of the request'),
      onwardTransferNeedsConsent: z.boolean().describe('Art. 36: consent needed for any onward transfer'),
      confidentialUntil: z.string().nullable(),
      note: z.string(),
    }),
  })
  .meta({ id: 'EvidenceManifest' });

const EvidencePackageSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    direction: z.enum(['outgoing', 'incoming']),
    peerNodeId: z.string(),
    status: z
      .enum(['sealed', 'offered', 'fetching', 'verified', 'failed'])
      .describe(
        'outgoing: sealed, offered, then verified or failed by the addressee; incoming: fetching, verified, failed',
      ),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    chunkCount: z.number().int(),
    totalBytes: z.number().int(),
    manifest: ManifestSchema.nullable().describe('the signed manifest, read (null if it does not read)'),
    receivedItems: z
      .array(z.object({ id: z.string(), sourceItemId: z.string().nullable(), sha256: z.string().nullable() }))
      .describe('incoming: the evidence items stored here from this package'),
    approval: z
      .enum(['pending', 'approved', 'returned'])
      .nullable()
      .describe(
        'outgoing: the latest two-person-rule decision on sending it (pending: a supervisor decides); null: nobody asked to send it yet',
      ),
  })
  .meta({ id: 'EvidencePackage' });

export async function evidencePackagesRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/requests/:id/evidence/packages',
    {
      // Read by evidence:read, and on a request sent from here by its author (src/policies/access.ts).
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary:
          "A request's evidence packages: sent (executing side) or received (requesting side), with their verification",
        params: RequestParamsSchema,
        response: { 200: z.object({ packages: z.array(EvidencePackageSchema) }) },
      },
    },
    async (request) => ({
      packages: await listEvidencePackages(context, actorOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/requests/:id/evidence/packages',
    {
      config: { permission: 'evidence:upload' },
      schema: {
        tags: ['evidence'],
        summary:
          'Make a package of stored items of a request received here: chunks encrypted, manifest signed by this node; not sent yet',
        description:
          'Refused (409 invalid-state) on a preservation request (Art. 42), which keeps the data and discloses none: evidence answers the request that follows it (Art. 43 or 44).',
        params: RequestParamsSchema,
        body: CreateEvidencePackageSchema,
        response: { 201: z.object({ package: EvidencePackageSchema }) },
      },
    },
    async (request, reply) => {
      const created = await createEvidencePackage(context, actorOf(request), request.params.id, request.body);
      return reply.code(201).send({ package: created });
    },
  );

  app.post(
    '/api/v1/requests/:id/evidence/packages/:packageId/send',
    {
      config: { permission: 'evidence:upload' },
      schema: {
        tags: ['evidence'],
        summary:
          'Ask to send a package: it waits for a supervisor other than the asker (two-person rule); nothing leaves yet',
        params: PackageParamsSchema,
        response: { 200: z.object({ package: EvidencePackageSchema }) },
      },
    },
    async (request) => ({
      package: await sendEvidencePackage(
        context,
        actorOf(request),
        request.params.id,
        request.params.packageId,
      ),
    }),
  );

  app.post(
    '/api/v1/requests/:id/evidence/packages/:packageId/approval',
    {
      config: { permission: 'request:approve', auditedBody: { decision: 'decision' } },
      schema: {
        tags: ['evidence'],
        summary:
          'Approve (the package is offered to the requesting node, evidence.package-offered) or return a package that waits',
        params: PackageParamsSchema,
        body: DecisionBodySchema,
        response: { 200: z.object({ package: EvidencePackageSchema }) },
      },
    },
    async (request) => ({
      package: await decideEvidencePackage(
        context,
        actorOf(request),
        request.params.id,
        request.params.packageId,
        {
          decision: request.body.decision,
          ...(request.body.reasons === undefined ? {} : { reasons: request.body.reasons }),
          ...(request.body.decisionReference === undefined
            ? {}
            : { decisionReference: request.body.decisionReference }),
        },
      ),
    }),
  );

  app.post(
    '/api/v1/evidence/exports',
    {
      // Read by evidence:read, and on a request sent from here by its author (src/policies/access.ts).
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary:
          "A court-ready export of an evidence package (a tar: signed manifest, signer key, custody events and report PDF, items decrypted or age-encrypted, SHA256SUMS); recorded as exported in each item's custody",
        querystring: z.object({
          lang: z.string().max(20).optional().describe('language of the custody report'),
        }),
        body: EvidenceExportSchema,
      },
    },
    async (request, reply) => {
      const exported = await exportEvidence(
        context,
        actorOf(request),
        request.body,
        localeOf(request, request.query.lang),
      );
      return reply
        .header('content-disposition', `attachment; filename="${exported.fileName}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('x-comity-package-id', exported.packageId)
        .type('application/x-tar')
        .send(exported.archive);
    },
  );

  app.get(
    '/federation/v1/evidence/:packageId/chunks/:hash',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['federation'],
        summary:
          'An encrypted chunk of an evidence package, for the node it is addressed to only (request signed with its federation key)',
        security: [],
        params: z.object({
          packageId: z.string().describe('the package id'),
          hash: z.string().describe('the SHA-256 of the encrypted chunk (its address)'),
        }),
        headers: z
          .object({
            [REQUEST_SIGNATURE_HEADER]: z
              .string()
              .max(4000)
              .optional()
              .describe('compact JWS (typ comity-request+jws) over {method, path, from, to, at}'),
          })
          .loose(),
      },
    },
    async (request, reply) => {
      const signature = request.headers[REQUEST_SIGNATURE_HEADER];
      const chunk = await serveEvidenceChunk(context, {
        packageId: request.params.packageId,
        hash: request.params.hash,
        path: request.url.split('?')[0] ?? request.url,
        signature: typeof signature === 'string' ? signature : undefined,
      });
      return reply
        .header('content-length', String(chunk.size))
        .header('cache-control', 'private, no-store')
        .type('application/octet-stream')
        .send(chunk.content);
    },
  );
}
