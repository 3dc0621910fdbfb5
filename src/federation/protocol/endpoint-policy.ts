/**
 * Which peer endpoints a node sends case content to. Federation messages are signed and encrypted
 * end to end, but a plain-HTTP endpoint still exposes who talks to whom, and when, to every network
 * on the way, and lets a network attacker answer in the peer's place. A node therefore sends only to
 * https endpoints, and to plain http only on a loopback address (127.0.0.0/8, ::1, localhost: the
 * message never leaves the machine), unless COMITY_FEDERATION_ALLOW_HTTP=true, a development setting.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why this endpoint is refused, or undefined when a node may send to it. */
export function refusedEndpointReason(endpoint: string, allowsPlainHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `${endpoint} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${endpoint} is neither https nor http`;
  if (allowsPlainHttp || isLoopbackHost(url.hostname)) return undefined;
  return `${endpoint} is plain HTTP: federation endpoints must be https (COMITY_FEDERATION_ALLOW_HTTP=true allows plain HTTP, for development only)`;
}
