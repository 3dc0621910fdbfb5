/**
 * The frame around every screen: a header (node name, language switch, user menu), the navigation
 * and the main region. Landmarks (banner, navigation, main) and a skip link let keyboard and
 * screen-reader users move straight to the content.
 */
import { Alert, AppShell, Burger, Button, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission } from './api.ts';
import { ExternalIcon, UserIcon } from '../components/icons.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { stateName } from '../components/format.ts';
import { type NodeMode, useNodeMode, useStates, useThisNode } from '../components/reference-data.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SessionWarning } from './SessionWarning.tsx';
import { isOpenedFromDesk, type Location, navigate, RouterLink, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

type NavItem = Readonly<{
  href: string;
  label: string;
  isActive: (location: Location) => boolean;
  needsSession: boolean;
  /** Shown only to users with every one of these permissions (read from the session's user). */
  permissions?: readonly Permission[];
  /** Shown only on a State's node (cases, evidence, the desk) or only on the secretariat. */
  onlyOn?: NodeMode;
}>;

function NodeName() {
  const { t } = useTranslation();
  const { session } = useSession();
  const thisNode = useThisNode();
  // Not while a one-time password or TOTP enrolment is pending: every other call is refused then.
  const states = useStates(session.status === 'signed-in' && session.pendingStep === null);
  const node = thisNode.data;
  // A State may run several nodes (its central authority, its 24/7 point of contact...): which one.
  const authority = node?.authority
    ? t(`channel.${node.authority}`, { defaultValue: node.authority })
    : undefined;
  const stateLabel = node?.state ? stateName(states.data, node.state) : window.location.host;
  const name = authority ? `${stateLabel} · ${authority}` : stateLabel;
  return (
    <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
      <Text fw={700} size="lg" component={RouterLink} href="/" c="blue.9" td="none">
        Comity
      </Text>
      {/* Which State's node this is, on a phone too: a long name ends in an ellipsis. */}
      <Text component="span" size="sm" c="gray.7" truncate="end" dir="auto" style={{ minWidth: 0 }}>
        <span className="visually-hidden">{t('shell.nodeName', { name })}</span>
        <span aria-hidden="true">{name}</span>
      </Text>
    </Group>
  );
}

/** A page the user's roles do not allow: its name, and what to do. */
function NotAllowed({ page }: Readonly<{ page: string }>) {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle text={page}>{page}</PageTitle>
      <Alert color="yellow" variant="light" title={t('problem.forbidden')} data-testid="page-not-allowed">
        {t('lawyer2.problem.forbidden')}
      </Alert>
    </>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const location = useLocation();
  if (session.status !== 'signed-in') {
    if (location.pathname === '/sign-in') return null;
    return (
      <Button
        component={RouterLink}
        href={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
        variant="light"
      >
        {t('shell.signIn')}
      </Button>
    );
  }
  const { user } = session;
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <UnstyledButton aria-label={t('shell.userMenu', { name: user.displayName })} data-testid="user-menu">
          <Group gap={6} wrap="nowrap">
            <UserIcon />
            <Text component="span" size="sm" fw={500} className="header-label-narrow-hidden">
              {user.displayName}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {user.username} · {user.roles.map((role) => t(`roles.${role}`, { defaultValue: role })).join(', ')}
        </Menu.Label>
        <Menu.Item component={RouterLink} href="/account">
          {t('accounts.account.menu')}
        </Menu.Item>
        <Menu.Item
          onClick={() => {
            void signOut().then(() => navigate('/sign-in'));
          }}
        >
          {t('shell.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const location = useLocation();
  const [isNavOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  // Below Mantine's `sm` breakpoint (48em, 768 px; also 200 % zoom on a laptop) the navigation
  // folds away behind the menu button: folded, its links leave the tab order (inert).
  const isNarrow = useMediaQuery('(max-width: 47.99em)') ?? false;
  const isNavFolded = isNarrow && !isNavOpen;
  const isSignedIn = session.status === 'signed-in';

  const items: NavItem[] = [
    {
      href: '/desk',
      onlyOn: 'node',
      label: t('desk.nav'),
      // A case opened from the desk stays under the desk: the duty officer came from there.
      isActive: (location) =>
        location.pathname === '/desk' ||
        (location.pathname.startsWith('/requests/') && isOpenedFromDesk(location)),
      needsSession: true,
      // Those who staff the 24/7 desk (on the roster) and read what arrives: not an evidence
      // custodian, who executes requests from the list of requests received.
      permissions: ['request:read-incoming', 'roster:read'],
    },
    {
      href: '/requests',
      onlyOn: 'node',
      label: t('nav.requests'),
      isActive: (location) =>
        location.pathname === '/requests' ||
        (location.pathname.startsWith('/requests/') &&
          location.pathname !== '/requests/new' &&
          !isOpenedFromDesk(location)),
      needsSession: true,
    },
    {
      href: '/requests/new',
      onlyOn: 'node',
      label: t('nav.newRequest'),
      isActive: ({ pathname }) => pathname === '/requests/new',
      needsSession: true,
      permissions: ['request:draft'],
    },
    {
      href: '/evidence',
      onlyOn: 'node',
      label: t('evidenceRegister.nav'),
      isActive: ({ pathname }) => pathname === '/evidence',
      needsSession: true,
      permissions: ['evidence:read'],
    },
    {
      href: '/catalogue',
      label: t('nav.catalogue'),
      isActive: ({ pathname }) => pathname.startsWith('/catalogue'),
      needsSession: false,
    },
    {
      href: '/directory',
      label: t('nav.directory'),
      isActive: ({ pathname }) => pathname.startsWith('/directory'),
      needsSession: true,
    },
    {
      href: '/register',
      label: t('register.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/register'),
      needsSession: true,
      permissions: ['reference:read'],
      onlyOn: 'secretariat',
    },
    {
      href: '/treaty',
      label: t('nav.treaty'),
      isActive: ({ pathname }) => pathname.startsWith('/treaty'),
      needsSession: false,
    },
    {
      href: '/transparency',
      label: t('transparency.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/transparency'),
      needsSession: false,
    },
    {
      href: '/peers',
      label: t('nav.peers'),
      isActive: ({ pathname }) => pathname.startsWith('/peers'),
      needsSession: true,
      permissions: ['federation:operate'],
    },
    {
      href: '/approvals',
      onlyOn: 'node',
      label: t('approval.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/approvals'),
      needsSession: true,
      permissions: ['request:approve'],
    },
    {
      href: '/roster',
      onlyOn: 'node',
      label: t('roster.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/roster'),
      needsSession: true,
      permissions: ['roster:read'],
    },
    {
      href: '/law-map',
      onlyOn: 'node',
      label: t('lawMap.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/law-map'),
      needsSession: true,
      permissions: ['reference:read'],
    },
    {
      href: '/alert-deliveries',
      label: t('alerts.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/alert-deliveries'),
      needsSession: true,
      permissions: ['alerts:manage'],
    },
    {
      href: '/audit',
      label: t('audit.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/audit'),
      needsSession: true,
      permissions: ['audit:read'],
    },
    {
      href: '/decisions',
      onlyOn: 'node',
      label: t('decisions.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/decisions'),
      needsSession: true,
      permissions: ['audit:read'],
    },
    {
      href: '/users',
      label: t('accounts.users.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/users'),
      needsSession: true,
      permissions: ['user:manage'],
    },
    {
      href: '/account',
      label: t('accounts.account.nav'),
      isActive: ({ pathname }) => pathname.startsWith('/account'),
      needsSession: true,
    },
  ];
  const userPermissions = session.status === 'signed-in' ? session.user.permissions : [];
  // Until the node says what it is, the menu is a State node's (the secretariat is one node of many).
  const nodeMode = useNodeMode().data ?? 'node';
  const isAllowed = (item: NavItem) =>
    (item.permissions ?? []).every((permission) => userPermissions.includes(permission));
  // A page opened by its address that the user's roles do not allow: one refusal, rather than
  // the page with a refusal for each of its calls.
  const refusedPage = isSignedIn
    ? items.find(
        (item) =>
          (location.pathname === item.href || location.pathname.startsWith(`${item.href}/`)) &&
          !isAllowed(item),
      )
    : undefined;

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !isNavOpen } }}
      padding="md"
    >
      <a href="#main" className="skip-link">
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', xs: 'md' }} gap="xs" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger
              opened={isNavOpen}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.toggleNavigation')}
              aria-expanded={isNavOpen}
              aria-controls="main-navigation"
            />
            <NodeName />
          </Group>
          <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" id="main-navigation" aria-label={t('nav.label')} inert={isNavFolded}>
        {items
          .filter((item) => isSignedIn || !item.needsSession)
          .filter((item) => item.onlyOn === undefined || item.onlyOn === nodeMode)
          .filter(isAllowed)
          .map((item) => {
            const isActive = item.isActive(location);
            return (
              <NavLink
                key={item.href}
                component={RouterLink}
                href={item.href}
                label={item.label}
                active={isActive}
                aria-current={isActive ? 'page' : undefined}
                onClick={closeNav}
                className="nav-link"
              />
            );
          })}
        <NavLink
          component="a"
          href="/api/v1/reference"
          target="_blank"
          rel="noopener"
          label={
            <Group gap={4} wrap="nowrap">
              <span>{t('nav.apiReference')}</span>
              <ExternalIcon />
              <span className="visually-hidden">{t('common.opensInNewTab')}</span>
            </Group>
          }
        />
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        {refusedPage ? <NotAllowed page={refusedPage.label} /> : children}
      </AppShell.Main>
      <SessionWarning />
    </AppShell>
  );
}
