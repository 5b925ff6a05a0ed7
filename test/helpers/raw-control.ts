// Raw protocol access for tests of the control server's limits: requests on a
// socket of our own, answers read (or not) as the test chooses.
import { createConnection, type Socket } from 'node:net';

/** Sends one request on a fresh connection and resolves with its result (rejects on an error reply). */
export function request<T>(
  path: string,
  cmd: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      socket.destroy();
      const reply = JSON.parse(text.slice(0, nl)) as {
        ok: boolean;
        result?: T;
        error?: { code: string };
      };
      if (reply.ok) resolve(reply.result as T);
      else reject(Object.assign(new Error(reply.error?.code), { code: reply.error?.code }));
    });
    socket.on('error', reject);
    socket.write(`${JSON.stringify({ v: 1, id: 1, cmd, args })}\n`);
  });
}

/** A connection, open once connected. */
export function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => resolve(socket));
    socket.once('error', reject);
  });
}
