// Reads a request body up to a byte limit, counted as it streams (and counted again after gzip,
// so a small compressed body cannot inflate past the limit): past it, reading stops at once.
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';

export class BodyTooLarge extends Error {}
export class BadEncoding extends Error {}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discardRest(req, limit);
    throw new BodyTooLarge(`the body is ${declared} bytes, above the limit of ${limit}`);
  }
  const raw = await collect(req, limit);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return raw;
  if (encoding !== 'gzip') throw new BadEncoding(`unsupported Content-Encoding "${encoding}" (gzip or none)`);
  try {
    return zlib.gunzipSync(raw, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyTooLarge(`the body inflates above the limit of ${limit} bytes`);
    throw new BadEncoding(`the gzip body cannot be inflated: ${(e as Error).message}`);
  }
}

/**
 * Past the limit nothing more is kept: the rest of the body is read and dropped, so the client,
 * still sending, receives the 413 instead of a reset connection (closing a socket with unread
 * data resets it). A client that sends more than a few limits' worth is cut off.
 */
function discardRest(req: IncomingMessage, limit: number): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_LIMITS * limit) req.socket.destroy();
  });
  req.resume();
}

const LINGER_LIMITS = 4;

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        discardRest(req, limit);
        reject(new BodyTooLarge(`the body is above the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
