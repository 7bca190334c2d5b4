// The bytes of one SSE frame, encoded once per event however many streams send it (an overview
// snapshot of thousands of queues is megabytes: serializing it per open tab would multiply that).
import 'server-only';
import type { LiveEvent } from './live-event';

const encoder = new TextEncoder();
const FRAMES = new WeakMap<LiveEvent, Uint8Array>();

export function liveFrame(event: LiveEvent): Uint8Array {
  let bytes = FRAMES.get(event);
  if (!bytes) {
    bytes = encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
    FRAMES.set(event, bytes);
  }
  return bytes;
}
