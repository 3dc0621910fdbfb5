/**
 * How the delivery worker POSTs a message to a peer's /federation/v1/messages (or a batch of
 * them to /federation/v1/message-batches) and reads the answer. The default uses node:http(s) with keep-alive agents: under load the worker posts
 * hundreds of messages a second, and the global fetch costs about 150 µs more CPU per request
 * than node:http on loopback (WHATWG streams, Headers, Response objects), which is CPU the
 * sending node then lacks. Tests that need to watch or break posts pass a fetch function instead
 * (createFetchPoster).
 *
 * A kept-alive connection may be closed by the peer just as a message is written to it (the
 * peer's idle timeout). When a reused connection fails before any answer, the message is posted
 * once more on a new connection, as Node's documentation advises: it is safe because the
 * receiver processes a message once however often it arrives (a batch's messages too), and it keeps such a race from
 * costing a retry delay.
 */
import http from 'node:http';
import https from 'node:https';

/**
 * Whether a request failed on a kept-alive connection the other side had closed while it was idle:
 * a reused connection, reset or broken before any answer. Nothing was read by the server then, so
 * the request may be sent once more on a new connection.
 */
export function isStaleConnectionError(
  request: http.ClientRequest,
  hasAnswer: boolean,
  error: NodeJS.ErrnoException,
): boolean {
  return request.reusedSocket && !hasAnswer && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

/** The peer's answer: status and body text (at most maxAnswerBytes of it). */
export type PostAnswer = Readonly<{ status: number; text: string }>;

export type MessagePoster = Readonly<{
  /**
   * POSTs the body: a compact JWS as application/jose, or a batch of them as application/json
   * (`mediaType`). Rejects when there is no answer (refused, reset, timeout: an error named
   * TimeoutError), never for an HTTP status.
   */
  post: (url: string, body: string, timeoutMs: number, mediaType?: PostMediaType) => Promise<PostAnswer>;
  /** Closes the idle keep-alive connections (at shut-down). */
  close: () => void;
}>;

/** What a poster sends: one message (the default) or a batch of messages. */
export type PostMediaType = 'application/jose' | 'application/json';

function headersFor(mediaType: PostMediaType) {
  return { 'content-type': mediaType, accept: 'application/json, application/problem+json' } as const;
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** A poster over node:http and node:https, with one keep-alive agent per scheme. */
export function createHttpPoster(
  options: Readonly<{ maxSockets: number; maxAnswerBytes: number }>,
): MessagePoster {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
  };
  const postOnce = (
    target: URL,
    body: Buffer,
    mediaType: PostMediaType,
    deadline: number,
    timeoutMs: number,
  ): Promise<PostAnswer & { isStaleConnection?: boolean }> =>
    new Promise((resolve, reject) => {
      const isHttps = target.protocol === 'https:';
      let isSettled = false;
      let hasAnswer = false;
      const settle = (outcome: () => void) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        outcome();
      };
      const request = (isHttps ? https : http).request(
        target,
        {
          method: 'POST',
          agent: agents[isHttps ? 'https:' : 'http:'],
          headers: { ...headersFor(mediaType), 'content-length': body.length },
        },
        (response) => {
          hasAnswer = true;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size >= options.maxAnswerBytes) return;
            chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            settle(() =>
              resolve({
                status: response.statusCode ?? 0,
                text: Buffer.concat(chunks).subarray(0, options.maxAnswerBytes).toString('utf8'),
              }),
            ),
          );
          response.on('error', (error) => settle(() => reject(error)));
          // After 'end' this does nothing; before it, the answer was cut off.
          response.on('close', () =>
            settle(() => reject(new Error('the connection closed before the answer ended'))),
          );
        },
      );
      const timer = setTimeout(
        () => {
          const error = timeoutError(timeoutMs);
          settle(() => reject(error));
          request.destroy(error);
        },
        Math.max(0, deadline - Date.now()),
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        settle(() => {
          if (isStaleConnectionError(request, hasAnswer, error))
            resolve({ status: 0, text: '', isStaleConnection: true });
          else reject(error);
        }),
      );
      request.end(body);
    });

  const post = async (
    url: string,
    message: string,
    timeoutMs: number,
    mediaType: PostMediaType = 'application/jose',
  ): Promise<PostAnswer> => {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new Error(`unsupported endpoint scheme ${target.protocol}`);
    }
    const body = Buffer.from(message, 'utf8');
    const deadline = Date.now() + timeoutMs;
    const first = await postOnce(target, body, mediaType, deadline, timeoutMs);
    if (!first.isStaleConnection) return first;
    const second = await postOnce(target, body, mediaType, deadline, timeoutMs);
    if (second.isStaleConnection) throw new Error('the peer closed the connection before answering');
    return second;
  };
  return {
    post,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** A poster over a fetch function (tests record, delay or fail posts with it). */
export function createFetchPoster(
  fetchMessage: typeof fetch,
  options: Readonly<{ maxAnswerBytes: number }>,
): MessagePoster {
  return {
    post: async (url, message, timeoutMs, mediaType = 'application/jose') => {
      const response = await fetchMessage(url, {
        method: 'POST',
        headers: headersFor(mediaType),
        body: message,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const buffer = new Uint8Array(await response.arrayBuffer());
      return {
        status: response.status,
        text: new TextDecoder().decode(buffer.subarray(0, options.maxAnswerBytes)),
      };
    },
    close: () => {},
  };
}
