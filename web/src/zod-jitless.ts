/**
 * Zod compiles object schemas with `new Function` when it may, and probes whether it may by trying
 * once: under the node's Content-Security-Policy (script-src 'self', no 'unsafe-eval') that probe
 * is a reported violation on every page. Jitless schemas never try. Imported first by main.tsx,
 * before any module defines a schema.
 */
import { z } from 'zod';

z.config({ jitless: true });
