/**
 * The UI's composition: Mantine (theme, direction), the session, the shell, and the table of
 * screens. Screens that need a session send a signed-out user to sign-in and back afterwards.
 */
import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import './app.css';
import { Center, DirectionProvider, Loader, MantineProvider } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, isRightToLeft } from '../i18n/i18n.ts';
import { landingPathOf } from './landing.ts';
import { useNodeMode } from '../components/reference-data.ts';
import { AccountPage } from '../pages/accounts/AccountPage.tsx';
import { UsersPage } from '../pages/accounts/UsersPage.tsx';
import { CataloguePage } from '../pages/catalogue/CataloguePage.tsx';
import { DeskPage } from '../pages/desk/DeskPage.tsx';
import { DirectoryPage } from '../pages/directory/DirectoryPage.tsx';
import { RegisterPage } from '../pages/register/RegisterPage.tsx';
import { DraftPage } from '../pages/draft/DraftPage.tsx';
import { EvidenceRegisterPage } from '../pages/evidence/EvidenceRegisterPage.tsx';
import { NotFoundPage } from '../pages/not-found/NotFoundPage.tsx';
import { PeersPage } from '../pages/peers/PeersPage.tsx';
import { AlertDeliveriesPage } from '../pages/alerts/AlertDeliveriesPage.tsx';
import { AuditPage } from '../pages/audit/AuditPage.tsx';
import { DecisionsPage } from '../pages/decisions/DecisionsPage.tsx';
import { RequestsPage } from '../pages/requests/RequestsPage.tsx';
import { RosterPage } from '../pages/roster/RosterPage.tsx';
import { LawMapPage } from '../pages/law-map/LawMapPage.tsx';
import { ApprovalsPage } from '../pages/approvals/ApprovalsPage.tsx';
import { SignInPage } from '../pages/sign-in/SignInPage.tsx';
import { TransparencyPage } from '../pages/transparency/TransparencyPage.tsx';
import { TreatyStatusPage } from '../pages/treaty/TreatyStatusPage.tsx';
import { matchPath, navigate, useLocation } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { Shell } from './Shell.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

type Route = Readonly<{
  pattern: string;
  needsSession: boolean;
  render: (params: Record<string, string>) => ReactNode;
}>;

const ROUTES: readonly Route[] = [
  { pattern: '/sign-in', needsSession: false, render: () => <SignInPage /> },
  { pattern: '/requests', needsSession: true, render: () => <RequestsPage /> },
  { pattern: '/desk', needsSession: true, render: () => <DeskPage /> },
  // One DraftPage for both: saving a new draft moves to its address without reloading the form.
  { pattern: '/requests/new', needsSession: true, render: () => <DraftPage key="draft" /> },
  {
    pattern: '/requests/:id',
    needsSession: true,
    render: ({ id = '' }) => <DraftPage key="draft" requestId={id} />,
  },
  { pattern: '/evidence', needsSession: true, render: () => <EvidenceRegisterPage /> },
  { pattern: '/catalogue', needsSession: false, render: () => <CataloguePage /> },
  { pattern: '/directory', needsSession: true, render: () => <DirectoryPage /> },
  { pattern: '/register', needsSession: true, render: () => <RegisterPage /> },
  { pattern: '/treaty', needsSession: false, render: () => <TreatyStatusPage /> },
  { pattern: '/transparency', needsSession: false, render: () => <TransparencyPage /> },
  { pattern: '/peers', needsSession: true, render: () => <PeersPage /> },
  { pattern: '/roster', needsSession: true, render: () => <RosterPage /> },
  { pattern: '/law-map', needsSession: true, render: () => <LawMapPage /> },
  { pattern: '/approvals', needsSession: true, render: () => <ApprovalsPage /> },
  { pattern: '/alert-deliveries', needsSession: true, render: () => <AlertDeliveriesPage /> },
  { pattern: '/audit', needsSession: true, render: () => <AuditPage /> },
  { pattern: '/decisions', needsSession: true, render: () => <DecisionsPage /> },
  { pattern: '/account', needsSession: true, render: () => <AccountPage /> },
  { pattern: '/users', needsSession: true, render: () => <UsersPage /> },
];

function findRoute(pathname: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, pathname);
    if (params) return { route, params };
  }
  return undefined;
}

function Screens() {
  const { session } = useSession();
  const location = useLocation();
  const isSignedOut = session.status === 'signed-out';
  const match = findRoute(location.pathname);
  const isHome = location.pathname === '/';
  const needsSignIn = isSignedOut && (isHome || match?.route.needsSession === true);

  const nodeMode = useNodeMode();
  useEffect(() => {
    // Home waits until the node says what it is: the secretariat's people land elsewhere.
    if (isHome && session.status === 'signed-in' && !nodeMode.isLoading)
      navigate(landingPathOf(session.user.roles, nodeMode.data), { replace: true });
    else if (needsSignIn) {
      const next = isHome ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
  }, [isHome, needsSignIn, session, location.pathname, location.search, nodeMode]);

  if (session.status === 'loading' || needsSignIn || isHome) {
    return (
      <Center h={200}>
        <Loader aria-label="…" />
      </Center>
    );
  }
  // A one-time password to change or TOTP to enrol comes before any other screen.
  if (session.status === 'signed-in' && session.pendingStep && location.pathname !== '/sign-in') {
    return <AccountPage key={session.pendingStep} pendingStep={session.pendingStep} />;
  }
  if (!match) return <NotFoundPage />;
  return <>{match.route.render(match.params)}</>;
}

export function App() {
  // Re-render on a language change so every screen follows it.
  useTranslation();
  const direction = isRightToLeft(currentLanguage()) ? 'rtl' : 'ltr';
  return (
    <DirectionProvider initialDirection={direction} detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
        <SessionProvider>
          <Shell>
            <Screens />
          </Shell>
        </SessionProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
