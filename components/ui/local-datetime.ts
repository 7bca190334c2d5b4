// Values of <input type="datetime-local">: wall-clock time in the viewer's zone, without an offset.

/** "2031-05-01T09:30" (with ":SS" when `seconds`) in the viewer's zone; '' for no time. */
export function toLocalInput(ms: number | undefined, { seconds = false }: { seconds?: boolean } = {}): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const minutes = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  return seconds ? `${minutes}:${p(d.getSeconds())}` : minutes;
}

/** The instant an input value means in the viewer's zone; undefined when empty or unreadable. */
export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
