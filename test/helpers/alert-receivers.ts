/**
 * Real receivers of alerts on loopback: an SMTP server (smtp-server) that keeps the messages it
 * accepts, and an HTTP webhook receiver that checks each call's Standard Webhooks signature with
 * node:crypto, written here from the specification (not with the node's signing code).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = Readonly<{ to: string[]; subject: string; text: string }>;

/** Quoted-printable and folded headers, undone: enough to read what nodemailer sends. */
function readMail(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
  const isQuotedPrintable = /^Content-Transfer-Encoding: quoted-printable$/im.test(head);
  const text = isQuotedPrintable
    ? Buffer.from(
        body
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
        'latin1',
      ).toString('utf8')
    : body;
  return { to, subject, text: text.replace(/\r\n/g, '\n') };
}

export type MailServer = Readonly<{ port: number; mails: ReceivedMail[]; close: () => Promise<void> }>;

/** An SMTP server on 127.0.0.1:port (no TLS, no authentication) that keeps every message. */
export async function startMailServer(port: number): Promise<MailServer> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((address) => address.address);
        mails.push(readMail(Buffer.concat(chunks).toString('latin1'), to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type ReceivedWebhook = Readonly<{
  id: string;
  timestamp: number;
  isSignatureValid: boolean;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}>;

export type WebhookReceiver = Readonly<{
  port: number;
  calls: ReceivedWebhook[];
  close: () => Promise<void>;
}>;

/** Standard Webhooks: HMAC-SHA256 over `id.timestamp.body` with the secret's base64 key; any v1 signature matches. */
export function isStandardWebhookSignatureValid(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
  header: string,
): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** An HTTP receiver on 127.0.0.1:port that answers 204 to a call whose signature is valid, 401 otherwise. */
export async function startWebhookReceiver(port: number, secret: string): Promise<WebhookReceiver> {
  const calls: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const timestamp = String(request.headers['webhook-timestamp'] ?? '');
      const isSignatureValid = isStandardWebhookSignatureValid(
        secret,
        id,
        timestamp,
        body,
        String(request.headers['webhook-signature'] ?? ''),
      );
      calls.push({ id, timestamp: Number(timestamp), isSignatureValid, body: JSON.parse(body) });
      response.writeHead(isSignatureValid ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
