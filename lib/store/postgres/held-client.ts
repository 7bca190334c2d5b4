// A pooled PostgreSQL client held across awaits (a transaction, a polled lock): the server going away
// between two statements is an 'error' event on the client, which with no listener would crash the
// process (the pool listens only to idle clients). Not server-only: the worker runtime uses it too.
import type pg from 'pg';

type Client = Pick<pg.PoolClient, 'on' | 'off'>;

/** Listens for the client's error until done(); error() is the first one seen (release the client with it). */
export function holdClient(client: Client): { error: () => Error | undefined; done: () => void } {
  let seen: Error | undefined;
  const onError = (err: Error) => (seen ??= err);
  client.on('error', onError);
  return { error: () => seen, done: () => client.off('error', onError) };
}
