/**
 * One HTTP call with node:http and a raw Buffer body and answer (the tus upload and evidence
 * download tests need bytes as sent, which app.inject and fetch reshape).
 */
import { request as httpRequest } from 'node:http';

/** The tus protocol version header of every upload call. */
export const TUS = { 'tus-resumable': '1.0.0' };

export function call(
  base: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const body = options.body ?? Buffer.alloc(0);
    const request = httpRequest(new URL(options.path, base), {
      method: options.method,
      headers: { ...options.headers, 'content-length': String(body.length) },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}
