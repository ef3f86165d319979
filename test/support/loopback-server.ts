// An HTTP server on loopback for tests of what pinwarden sends and reads: each request's body is
// read whole, then handed to `answer` with the request.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** Listens; answers `http://127.0.0.1:PORT`. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export function loopbackServer(
  answer: (request: IncomingMessage, body: string, response: ServerResponse) => void,
): LoopbackServer {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => answer(request, body, response));
  });
  return {
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
