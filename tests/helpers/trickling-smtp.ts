// A real SMTP peer that never finishes an answer: it greets and answers EHLO, then answers every other
// command one byte every 100 ms without ending the line (each byte resets a socket's idle timeout), so
// only an overall deadline or an abort can end a send to it. Counts what the deadline tests wait for.
import net, { type AddressInfo, type Socket } from 'node:net';

export type TricklingSmtp = {
  port: number;
  /** Connections open now. */
  open: Set<Socket>;
  /** Connections that started trickling an answer. */
  trickling(): number;
  /** Connections closed (by either side). */
  closed(): number;
  close(): Promise<void>;
};

export async function startTricklingSmtp(): Promise<TricklingSmtp> {
  const open = new Set<Socket>();
  let trickling = 0;
  let closed = 0;
  const server = net.createServer((sock) => {
    open.add(sock);
    let timer: NodeJS.Timeout | undefined;
    sock.on('close', () => {
      clearInterval(timer);
      open.delete(sock);
      closed++;
    });
    sock.on('error', () => undefined);
    sock.write('220 slow.test ESMTP\r\n');
    sock.on('data', (d: Buffer) => {
      if (/^(EHLO|HELO)/i.test(d.toString())) sock.write('250-slow.test\r\n250 8BITMIME\r\n');
      else if (!timer) {
        trickling++;
        timer = setInterval(() => sock.write('2'), 100);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    open,
    trickling: () => trickling,
    closed: () => closed,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
