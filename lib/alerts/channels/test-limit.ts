// How often the Test button of a channel may send (README › Paging channels): a test is an email, a page
// or an HTTP call the console makes on a click, so a stuck button or an admin in bad faith must not turn
// it into a flood. The limits live in the console store, so every console replica counts the same tests.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { RateLimitedError } from '@/lib/errors';
import { alertChannelStore } from '@/lib/store/console/alert-channels';

/**
 * One test per channel per this long: a PagerDuty or Opsgenie test is two requests of at most 5 s each,
 * so a channel has at most one test in flight, and a double click or a stuck button sends once.
 */
export const CHANNEL_TEST_EVERY_MS = 10_000;
/**
 * Tests of all channels together per minute: at most 40 requests or 20 emails a minute however many
 * channels there are, and still every channel of a full console (50) tested within 3 minutes.
 */
export const CHANNEL_TESTS_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** One Test of a rule per admin per this long (a rule Test sends to its webhook and up to 10 channels at once). */
export const RULE_TEST_EVERY_MS = 10_000;
/**
 * Rule Tests per minute on the console, counted apart from the channels' (each sends to at most 11
 * destinations: at most 220 sends a minute however many admins click).
 */
export const RULE_TESTS_PER_MINUTE = 20;

/**
 * Takes a test's place in both limits (its own key, its pool's window), or throws 429 with the message
 * for the limit it met. The store counts in its own clock, not this replica's (whose clock may be ahead
 * or behind the others').
 */
async function reserve(
  r: { key: string; everyMs: number; limit: number; pool: 'channels' | 'rules' },
  messages: { again: (agoS: number, waitS: number) => string; full: (waitS: number) => string },
): Promise<void> {
  const reserved = await alertChannelStore().reserveTest({
    channelId: r.key,
    everyMs: r.everyMs,
    windowMs: MINUTE_MS,
    limit: r.limit,
    member: randomBytes(12).toString('base64url'),
    pool: r.pool,
  });
  if (reserved.ok) return;
  const wait = seconds(reserved.waitMs);
  if (reserved.reason === 'channel') throw new RateLimitedError(messages.again(Math.max(0, Math.floor(reserved.agoMs / 1000)), wait), wait);
  throw new RateLimitedError(messages.full(wait), wait);
}

/** Takes a channel Test's place in both limits (per channel, console-wide), or throws 429 saying which. */
export function reserveChannelTest(channel: { id: string; name: string }): Promise<void> {
  return reserve(
    { key: channel.id, everyMs: CHANNEL_TEST_EVERY_MS, limit: CHANNEL_TESTS_PER_MINUTE, pool: 'channels' },
    {
      again: (ago, wait) => `Channel "${channel.name}" was tested ${ago} s ago: a channel is tested at most once every ${CHANNEL_TEST_EVERY_MS / 1000} s. Try again in ${wait} s.`,
      full: (wait) => `Too many channel tests: at most ${CHANNEL_TESTS_PER_MINUTE} a minute on this console (all channels and replicas together). Try again in ${wait} s.`,
    },
  );
}

/** Takes a rule Test's place in both limits (per rule and admin, console-wide), or throws 429 saying which. */
export function reserveRuleTest(rule: { id: string; name: string }, admin: string): Promise<void> {
  return reserve(
    { key: `rule:${rule.id}:${admin}`, everyMs: RULE_TEST_EVERY_MS, limit: RULE_TESTS_PER_MINUTE, pool: 'rules' },
    {
      again: (ago, wait) => `You tested rule "${rule.name}" ${ago} s ago: each admin tests a rule at most once every ${RULE_TEST_EVERY_MS / 1000} s. Try again in ${wait} s.`,
      full: (wait) => `Too many rule tests: at most ${RULE_TESTS_PER_MINUTE} a minute on this console (all rules, admins and replicas together). Try again in ${wait} s.`,
    },
  );
}
