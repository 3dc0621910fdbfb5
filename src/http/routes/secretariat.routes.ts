/**
 * The secretariat's register of nodes, read-only: the nodes it registered, their keys, and whether
 * the latest signed directory carries each as registered now. Changing the register stays with
 * the secretariat's operator on the host (`comity secretariat add-node | add-key | retire-key |
 * publish`). Contract: docs/api.md, "Federation".
 */
import { z } from 'zod';
import { describeRegister } from '../../services/secretariat.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';

const RegisterKeySchema = z.object({
  kid: z.string().describe('RFC 7638 thumbprint of the key'),
  use: z.enum(['sig', 'enc']),
  notBefore: z.string(),
  notAfter: z.string(),
});

const RegisteredNodeSchema = z
  .object({
    nodeId: z.string(),
    state: z.string().describe('ISO 3166-1 alpha-2, or EU'),
    authority: z.enum(['central-authority', 'point-of-contact', 'extradition-authority']),
    endpoint: z.string(),
    acceptedLanguages: z.array(z.string()),
    keys: z.array(RegisterKeySchema),
    publication: z
      .enum(['published', 'changed', 'not-published'])
      .describe(
        'published: the latest directory carries the node as registered now; changed: it carries an earlier version (a key added since...); not-published: not at all',
      ),
  })
  .meta({ id: 'RegisteredNode' });

const RegisterSchema = z.object({
  nodes: z.array(RegisteredNodeSchema),
  latestPublication: z
    .object({
      serial: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string(),
      nodeCount: z.number().int(),
    })
    .nullable()
    .describe('the latest signed directory, null before the first'),
});

export async function secretariatRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/secretariat/register',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['secretariat'],
        summary:
          "The secretariat's register of nodes and its latest publication (404 on a State's node); changed on the host with comity secretariat",
        response: { 200: RegisterSchema },
      },
    },
    async () => {
      const register = await describeRegister(context);
      return {
        nodes: register.nodes.map((node) => ({
          nodeId: node.nodeId,
          state: node.state,
          authority: node.authority,
          endpoint: node.endpoint,
          acceptedLanguages: [...node.acceptedLanguages],
          keys: node.keys.map(({ kid, use, notBefore, notAfter }) => ({ kid, use, notBefore, notAfter })),
          publication: node.publication,
        })),
        latestPublication: register.latestPublication,
      };
    },
  );
}
