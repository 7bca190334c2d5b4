// PagerDuty's URL and Opsgenie's base URL carry the routing key / API key with every request: https only,
// except to a host the operator opened in DROVER_EGRESS_ALLOW (an internal relay or a test receiver),
// the same explicit allowance the egress policy uses for internal addresses (README › Paging channels).
import 'server-only';
import { InvalidError } from '@/lib/errors';
import { egressPolicy } from '@/lib/egress/policy';
import type { ChannelInput } from './channel';

/** Whether sending a key to `url` would send it in clear to a host nobody opened on purpose. */
export function isInsecureKeyEndpoint(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol !== 'https:' && !egressPolicy().opens(u);
  } catch {
    return true;
  }
}

const FIELD_MESSAGE = 'must be https:// (or a host DROVER_EGRESS_ALLOW opens)';

/** Refuses (400, with the field) a PagerDuty or Opsgenie channel whose address is plain http to a host not opened. */
export function assertSecureKeyEndpoint(channel: ChannelInput): void {
  const spec =
    channel.type === 'pagerduty' ? { url: channel.config.url, field: 'url', what: 'PagerDuty URL', secret: 'the routing key travels with every event' }
    : channel.type === 'opsgenie' ? { url: channel.config.baseUrl, field: 'baseUrl', what: 'Opsgenie base URL', secret: 'the API key travels with every request' }
    : null;
  if (!spec || !isInsecureKeyEndpoint(spec.url)) return;
  const host = URL.canParse(spec.url) ? new URL(spec.url).host : spec.url;
  throw new InvalidError(`The ${spec.what} must be https:// (${spec.secret}); plain http:// only to a host DROVER_EGRESS_ALLOW opens, and ${host} is not one`, { [`config.${spec.field}`]: [FIELD_MESSAGE] });
}

/** The error of a delivery refused for that reason (a channel saved before https was required). */
export const INSECURE_KEY_ENDPOINT_ERROR = 'not sent: the address is plain http:// to a host DROVER_EGRESS_ALLOW does not open (the key would travel in clear); change it to https://';
