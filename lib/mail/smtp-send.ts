// One email over SMTP_URL with a bound on the whole send: the workers' email job kind
// (workers/processors/email.ts) and the alert email channel (lib/alerts/channels/email.ts) both send so.
// nodemailer's own timeouts are idle timeouts that restart with every byte (and its defaults are 2 min to
// connect, 10 min of silence): a server that accepts and answers byte by byte would hold a send, and the
// job slot or delivery waiting on it, for as long as it likes. Not server-only: the workers import lib/.
import net, { type Socket } from 'node:net';
import nodemailer, { type SentMessageInfo, type SendMailOptions } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';

export type SmtpTimeouts = {
  /** Opening the TCP connection. */
  connectionTimeoutMs: number;
  /** The server's 220 greeting after the connection opened. */
  greetingTimeoutMs: number;
  /** Silence on the socket at any later point (restarts with every byte). */
  socketTimeoutMs: number;
};

export type SmtpSendOptions = SmtpTimeouts & {
  /** The most the whole send may take: connection, greeting, TLS and send together. */
  deadlineMs: number;
  /** Aborting it ends the send at once (its connection closed). */
  signal?: AbortSignal;
};

/** The deadline passed: the send was cut off and its connection closed. */
export class SmtpDeadlineError extends Error {
  readonly deadlineMs: number;
  /** "host:port" of the SMTP server (no credentials). */
  readonly server: string;
  constructor(deadlineMs: number, server: string) {
    super(`SMTP: no answer within ${deadlineMs / 1000} s from ${server}`);
    this.name = 'SmtpDeadlineError';
    this.deadlineMs = deadlineMs;
    this.server = server;
  }
}

/** The signal aborted during the send: the send was cut off and its connection closed. */
export class SmtpAbortError extends Error {
  constructor(reason: unknown) {
    super(`SMTP send aborted: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
    this.name = 'SmtpAbortError';
  }
}

/** nodemailer's default port (smtp-connection): 465 for smtps, else 587. */
function defaultPort(secure: boolean | undefined): number {
  return secure ? 465 : 587;
}

/** "host:port" of an SMTP URL, without its credentials (never throws: the send itself reports a bad URL). */
export function smtpServerOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || defaultPort(u.protocol === 'smtps:')}`;
  } catch {
    return 'the SMTP server';
  }
}

/**
 * Sends one message over a connection of its own (a non-pooled SMTP transport opens one per send anyway).
 * The socket is opened here (getSocket; smtps is upgraded over it by nodemailer) so the deadline and the
 * signal can destroy it. Rejects with SmtpDeadlineError, SmtpAbortError, or nodemailer's own error.
 */
export async function sendSmtp(url: string, message: SendMailOptions, opts: SmtpSendOptions): Promise<SentMessageInfo> {
  opts.signal?.throwIfAborted();
  const sockets = new Set<Socket>();
  // The SMTPTransport itself, not createTransport(url) or createTransport({ url, … }): given a url,
  // createTransport keeps only what the URL says and drops every other option (these timeouts and getSocket).
  const transport = nodemailer.createTransport(new SMTPTransport({
    url,
    connectionTimeout: opts.connectionTimeoutMs,
    greetingTimeout: opts.greetingTimeoutMs,
    socketTimeout: opts.socketTimeoutMs,
    getSocket(options: { host?: string; port?: number; secure?: boolean }, callback: (err: Error | null, socketOptions?: { connection: Socket }) => void) {
      const socket = net.connect({ host: options.host ?? 'localhost', port: options.port ?? defaultPort(options.secure) });
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      const onError = (err: Error) => callback(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        callback(null, { connection: socket });
      });
    },
  } as SMTPTransport.Options));
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cutOff = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SmtpDeadlineError(opts.deadlineMs, smtpServerOf(url))), opts.deadlineMs);
    if (opts.signal) {
      const signal = opts.signal;
      onAbort = () => reject(new SmtpAbortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([transport.sendMail(message), cutOff]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    // A send cut off by the deadline or the signal leaves its connection open: close it (nodemailer then
    // gives up on it; its late error goes to the settled sendMail promise, which nobody awaits any more).
    for (const socket of sockets) socket.destroy();
    transport.close();
  }
}
