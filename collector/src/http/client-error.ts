/**
 * Answers requests Node's HTTP parser refused before Express saw them. Node's own answer to a
 * request line and headers over the limit is a bare 431 with no body: a browser shows an empty
 * page for a viewer link that long. Other parse errors get Node's answers, unchanged.
 */
import type { Duplex } from 'node:stream';

/** Request line and headers, at most: a view link with a long non-ASCII search still fits. */
export const MAX_HEADER_BYTES = 64 * 1024;

function response(status: string, body: string): string {
  const bytes = Buffer.byteLength(body);
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${bytes}\r\nConnection: close\r\n\r\n${body}`;
}

const TOO_LARGE = response(
  '431 Request Header Fields Too Large',
  `This address and its request headers are longer than the collector accepts (${MAX_HEADER_BYTES / 1024} KB). ` +
    'The viewer never writes a link this long: it was joined to something else or made by hand. ' +
    'Open the viewer at / and set the view again.\n',
);

/** Node's answers (lib/_http_server.js) to the parse errors other than header overflow. */
function statusFor(code: string | undefined): string {
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return '413 Payload Too Large';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  return '400 Bad Request';
}

/** How long the rest of a refused request is read and dropped before the connection goes. */
const LINGER_MS = 2_000;

const answered = new WeakSet<Duplex>();

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // The parser reports each later chunk of the refused request again; the answer is on its way.
  if (answered.has(socket)) return;
  // A reset connection has no one left to answer (the check Node's documentation gives).
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  // Closed at once, a connection with unread request bytes is reset, and a client still sending
  // (a browser with a 100 KB link) loses the answer: the rest is read, then the connection goes.
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.end(
    error.code === 'HPE_HEADER_OVERFLOW'
      ? TOO_LARGE
      : `HTTP/1.1 ${statusFor(error.code)}\r\nConnection: close\r\n\r\n`,
  );
}
