/**
 * The agent's HTTP endpoint: `GET /metrics` (and HEAD), nothing else. The
 * format follows the scraper's Accept header: OpenMetrics when it asks for
 * it, text 0.0.4 otherwise. Any other path is 404 and any other method 405,
 * so the port does nothing but serve metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import type { MetricFamily } from './exposition.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  renderExposition,
  TEXT_CONTENT_TYPE,
  wantsOpenMetrics,
} from './exposition.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses HOST:PORT, [IPv6]:PORT or :PORT (loopback). Throws a plain Error for the CLI to turn into usage. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new Error(`--listen expects HOST:PORT (such as 127.0.0.1:9464), got "${text}"`);
  }
  const host = match[1] ?? (match[2] === '' ? '127.0.0.1' : (match[2] as string));
  return { host, port };
}

export interface MetricsServer {
  readonly address: ListenAddress;
  close(): Promise<void>;
}

export async function serveMetrics(
  address: ListenAddress,
  collect: () => Promise<MetricFamily[]>,
  onError: (error: Error) => void,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('markers metrics agent: scrape /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const openMetrics = wantsOpenMetrics(req.headers.accept);
    collect().then(
      (families) => {
        const body = renderExposition(families, openMetrics);
        res.writeHead(200, {
          'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE,
          'content-length': Buffer.byteLength(body),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: Error) => {
        onError(error);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${(error as { code?: string }).code ?? 'ERR_UNEXPECTED'}: ${error.message}\n`);
      },
    );
  });
  // A scraper that opens connections and never sends a request must not pin sockets for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MarkersError(
          ErrorCode.METRICS_LISTEN,
          `cannot listen on ${address.host}:${address.port}: ${error.code ?? error.message}`,
          { host: address.host, port: address.port },
        ),
      ),
    );
    server.listen(address.port, address.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: address.host, port: bound.port },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
