import { createServer, type RequestListener, type Server } from 'node:http';

/** Request headers larger than this are refused (431) before any of our code runs. */
export const MAX_HEADER_BYTES = 16 * 1024;

const PROBLEMS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, title: 'Request Header Fields Too Large', code: 'headers-too-large', detail: `Request headers exceed ${MAX_HEADER_BYTES} bytes.` },
  HPE_URI_TOO_LONG: { status: 414, title: 'URI Too Long', code: 'uri-too-long', detail: 'The request URI is too long.' },
};

/**
 * The HTTP server every entry point uses. Node answers malformed or oversized requests itself, in plain
 * text; here those answers become problem+json too. Time-outs bound slow or idle clients (slowloris).
 */
export function createHttpServer(app: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, app);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const known = PROBLEMS[error.code ?? ''] ?? { status: 400, title: 'Bad Request', code: 'malformed-request', detail: 'The request could not be parsed.' };
    const body = JSON.stringify({ type: `/problems/${known.code}`, title: known.title, status: known.status, detail: known.detail });
    socket.end(
      `HTTP/1.1 ${known.status} ${known.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
