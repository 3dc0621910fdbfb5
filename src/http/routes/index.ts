/**
 * Every route module of the API, in registration order. A module exports one function
 * `(app, context) => Promise<void>` and owns the URLs it registers.
 */
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { accountRoutes } from './account.routes.ts';
import { alertsRoutes } from './alerts.routes.ts';
import { approvalsRoutes } from './approvals.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { backupRoutes } from './backup.routes.ts';
import { caseRoutes } from './case.routes.ts';
import { decisionsRoutes } from './decisions.routes.ts';
import { deskRoutes } from './desk.routes.ts';
import { catalogueRoutes } from './catalogue.routes.ts';
import { documentRoutes } from './document.routes.ts';
import { evidenceConsentsRoutes } from './evidence-consents.routes.ts';
import { evidencePackagesRoutes } from './evidence-packages.routes.ts';
import { evidenceRoutes } from './evidence.routes.ts';
import { federationDirectoryRoutes } from './federation-directory.routes.ts';
import { federationMessagesRoutes } from './federation-messages.routes.ts';
import { federationSendRoutes } from './federation-send.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { liveRoutes } from './live.routes.ts';
import { metricsRoutes } from './metrics.routes.ts';
import { peersRoutes } from './peers.routes.ts';
import { requestsRoutes } from './requests.routes.ts';
import { rosterRoutes } from './roster.routes.ts';
import { screeningRoutes } from './screening.routes.ts';
import { secretariatRoutes } from './secretariat.routes.ts';
import { statesRoutes } from './states.routes.ts';
import { transparencyRoutes } from './transparency.routes.ts';
import { treatyRoutes } from './treaty.routes.ts';
import { usersRoutes } from './users.routes.ts';

export const ROUTES: ReadonlyArray<(app: ComityApp, context: AppContext) => Promise<void>> = [
  healthRoutes,
  authRoutes,
  accountRoutes,
  usersRoutes,
  catalogueRoutes,
  statesRoutes,
  treatyRoutes,
  transparencyRoutes,
  requestsRoutes,
  documentRoutes,
  federationDirectoryRoutes,
  federationMessagesRoutes,
  federationSendRoutes,
  approvalsRoutes,
  decisionsRoutes,
  caseRoutes,
  peersRoutes,
  backupRoutes,
  liveRoutes,
  metricsRoutes,
  rosterRoutes,
  alertsRoutes,
  deskRoutes,
  evidenceConsentsRoutes,
  evidencePackagesRoutes,
  evidenceRoutes,
  auditRoutes,
  screeningRoutes,
  secretariatRoutes,
];
