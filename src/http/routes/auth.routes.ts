import type { ComityApp } from '../app.ts';
import type { AppContext } from '../context.ts';

export async function authRoutes(_app: ComityApp, _context: AppContext): Promise<void> {
  // TODO
}
