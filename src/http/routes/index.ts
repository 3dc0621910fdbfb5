/**
 * Every route module of the API, in registration order. A module exports one function
 * `(app, context) => Promise<void>` and owns the URLs it registers.
 */
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../context.ts';
import { healthRoutes } from './health.routes.ts';

export const ROUTES: ReadonlyArray<(app: ComityApp, context: AppContext) => Promise<void>> = [healthRoutes];
