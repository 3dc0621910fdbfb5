/**
 * The HTTP application: API under /api/v1 (zod schemas, OpenAPI document, problem+json errors)
 * and the web UI's static files, on one port.
 *
 * Order matters: the error handler and the zod compilers come first, then the OpenAPI generator
 * (it must see every route), then authentication (it decorates each request with its actor),
 * then the routes (in one scope that checks each route's declared permission), then the static UI
 * with its single-page fallback.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { prettyPrinter, READABLE_LOG_OPTIONS } from '../federation/federation-log.ts';
import type { RouteAccess } from '../policies/access.ts';
import { registerAuditHook } from './audit-hook.ts';
import { registerAuthentication, registerAuthorization, withDeclaredPermissions } from './auth.ts';
import type { AppContext } from '../app-context.ts';
import { findUnstorableTexts, refuseUnstorableTexts } from '../core/storable-text.ts';
import { handleError, sendProblem, toProblem, withProblemResponses } from './problem.ts';
import { ROUTES } from './routes/index.ts';
import { validatorCompiler } from './zod-validation.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** Whether a file of the web build is under assets/, where vite names files by their content's hash. */
function isHashedAsset(webDirectory: string, filePath: string): boolean {
  return path.relative(webDirectory, filePath).split(path.sep)[0] === 'assets';
}

/**
 * The Content-Security-Policy of every answer: scripts only from the node itself (the UI's bundle
 * has no inline script), nothing may frame the node. Styles allow 'unsafe-inline' because Mantine
 * writes its CSS variables in a <style> element and sets style attributes at run time, which no
 * nonce or hash can cover (docs/operations.md, "Security headers").
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every answer carries (UI, API, documents, errors); HSTS when the public URL is https. */
export function securityHeadersOf(publicUrl: string): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    ...(publicUrl.startsWith('https:') ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/**
 * Whether a URL's path has a `..` or `.` segment or a NUL, however encoded (`%2e%2e`, `..%2f`,
 * a backslash): no path of the node has one, so such a request is refused before any plugin
 * looks for a file.
 */
export function leavesItsDirectory(url: string): boolean {
  const rawPath = url.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return true;
  }
  if (decoded.includes('\0')) return true;
  return decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.');
}

/**
 * Refuses, before any route sees it, a body or query string with text PostgreSQL cannot store (a
 * NUL character, an unpaired surrogate: valid JSON and valid percent-encoding both): invalid
 * input naming each place, rather than a database error. After authentication and authorization
 * (onRequest), so a caller without the right still hears 401 or 403 first.
 */
function refuseUnstorableText(scope: FastifyInstance): void {
  scope.addHook('preValidation', async (request) => {
    // A peer's message is refused by the receiver's own checks, with federation problem types
    // (docs/federation.md, "Receiver's checks"): the reception looks for such text itself.
    if (request.routeOptions.url?.startsWith('/federation/')) return;
    refuseUnstorableTexts([
      ...findUnstorableTexts(request.body, 'body'),
      // The query parser's object has a prototype of its own: a plain copy is looked into.
      ...findUnstorableTexts({ ...(request.query as object) }, 'querystring'),
    ]);
  });
}

/**
 * The methods the API serves at a concrete path (its routes' patterns, `:param` one segment, `*`
 * the rest), HEAD with GET: what a 405 names in Allow when the path exists with other methods.
 */
function methodsServing(routes: ReadonlyMap<string, RouteAccess>, path: string): string[] {
  const methods = new Set<string>();
  for (const key of routes.keys()) {
    const [method = '', pattern = ''] = key.split(' ');
    const expression = pattern
      .split('/')
      .map((segment) =>
        segment.startsWith(':')
          ? '[^/]+'
          : segment === '*'
            ? '.*'
            : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    if (!new RegExp(`^${expression}$`).test(path)) continue;
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}

/** The Fastify instance with the zod type provider, as route modules receive it. */
export type ComityApp = ReturnType<typeof createBaseApp>;

function createBaseApp(context: AppContext, options: { logger: boolean }) {
  return Fastify({
    // On a terminal, one readable line per event; JSON lines otherwise (for a log collector).
    logger: options.logger
      ? {
          level: context.config.logLevel,
          ...(process.stdout.isTTY
            ? { stream: prettyPrinter().PinoPretty({ ...READABLE_LOG_OPTIONS, sync: true }) }
            : {}),
        }
      : false,
    bodyLimit: context.config.http.bodyLimitBytes,
    // The client address (sign-in throttling) comes from X-Forwarded-For only behind a listed proxy.
    trustProxy:
      context.config.http.trustedProxies.length > 0 ? [...context.config.http.trustedProxies] : false,
    // Requests carry an id in logs; generated, never taken from the client.
    genReqId: () => crypto.randomUUID(),
    // Errors raised before routing (a URL that is not validly percent-encoded...) as problem+json.
    // (onSend hooks do not run for these: the headers are set here).
    frameworkErrors: (error, request, reply) => {
      reply.headers(securityHeadersOf(context.config.http.publicUrl));
      handleError(error, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();
}

export async function buildApp(context: AppContext, options: { logger?: boolean } = {}) {
  const app = createBaseApp(context, { logger: options.logger ?? false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  const securityHeaders = securityHeadersOf(context.config.http.publicUrl);
  app.addHook('onRequest', async (request, reply) => {
    if (!leavesItsDirectory(request.url)) return;
    const problem = toProblem(
      'malformed-url',
      'the path has a dot segment or a NUL character, or is not validly encoded',
    );
    return sendProblem(reply, { ...problem, instance: request.url.slice(0, 200) });
  });
  // onSend: also on errors, on the not-found handler and on the static files.
  app.addHook('onSend', async (_request, reply, payload) => {
    // A route may set a stricter policy of its own (the formal document's print view): it stays.
    const ownPolicy = reply.getHeader('content-security-policy');
    reply.headers(securityHeaders);
    if (ownPolicy !== undefined) reply.header('content-security-policy', ownPolicy);
    return payload;
  });
  const routePermissions = new Map<string, RouteAccess>();
  app.decorate('routePermissions', routePermissions);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Comity node API',
        version: '1',
        description:
          'API of a Comity node: drafting and validating requests under the UN Convention against Cybercrime, ' +
          'the Convention catalogue, the directory of States and the treaty status. Errors are RFC 9457 ' +
          'problem details whose `type` is a stable URN, `urn:comity:problem:{code}`.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'API token (comity token create)' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'comity_session' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    // Named schemas become components (the zod provider), then each operation gets its declared permission.
    transformObject: (documentObject) =>
      withProblemResponses(
        withDeclaredPermissions(jsonSchemaTransformObject(documentObject), routePermissions),
      ),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/v1/reference' });

  await app.register(fastifyCookie);
  registerAuthentication(app, context);

  // Every route of the API is registered in this scope, where a route that declares no permission
  // is refused and each call is checked against its declaration (src/http/auth.ts).
  await app.register(async (api) => {
    registerAuthorization(api, routePermissions);
    registerAuditHook(api, context);
    refuseUnstorableText(api);
    // JSON is read as application/json only: a body sent as text/plain is refused as the wrong
    // media type (415), not parsed as a string and refused as the wrong shape.
    api.removeContentTypeParser('text/plain');
    api.get('/api/v1/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () =>
      app.swagger(),
    );
    for (const registerRoutes of ROUTES) {
      await registerRoutes(api, context);
    }
  });

  const webDirectory = context.config.http.webDirectory;
  const hasWebBuild = existsSync(path.join(webDirectory, 'index.html'));
  if (hasWebBuild) {
    await app.register(fastifyStatic, {
      root: webDirectory,
      prefix: '/',
      wildcard: false,
      index: false,
      // The build writes .br and .gz copies (web/precompress.ts): served to browsers that accept them.
      preCompressed: true,
      // Names under assets/ carry a hash of their content: a browser keeps them for good. Anything
      // else (index.html) is checked again on every visit, so a new release is seen at once.
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', isHashedAsset(webDirectory, filePath) ? IMMUTABLE : REVALIDATE);
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/federation/');
    if (!isApi && request.method === 'GET' && hasWebBuild) {
      return reply.type('text/html').header('cache-control', REVALIDATE).sendFile('index.html');
    }
    const path = request.url.split('?')[0] ?? '';
    const allowed = isApi ? methodsServing(routePermissions, path) : [];
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, {
        ...toProblem('method-not-allowed', `${path} answers ${allowed.join(', ')}, not ${request.method}`),
        instance: request.url,
      });
    }
    return sendProblem(reply, {
      ...toProblem(
        'route-not-found',
        `${request.method} ${request.url.split('?')[0]} is not an endpoint of this node`,
      ),
      instance: request.url,
    });
  });
  return app;
}
