/**
 * Bearer-token check shared by HTTP and gRPC. Both sides are hashed first so the comparison is
 * constant-time and does not leak the token's length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function bearerMatches(expectedToken: string, authorization: string | undefined): boolean {
  if (authorization === undefined) return false;
  const given = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
  return given !== undefined && timingSafeEqual(sha256(given), sha256(expectedToken));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
