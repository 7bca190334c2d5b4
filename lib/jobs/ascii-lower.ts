/**
 * Lower-cases A–Z only: Lua's string.lower in Redis folds ASCII alone, so a needle folded by
 * JavaScript's Unicode-aware toLowerCase ("ÉCHEC" → "échec") would never match the stored text.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
