// What a POST to /api/auth/* may carry: a capped body, and for the credentials callback exactly one
// reading of its fields, the one next-auth will make (node_modules/next-auth/next/utils.js getBody):
// JSON when the Content-Type includes "application/json", a form when it includes
// "application/x-www-form-urlencoded" (Object.fromEntries: the LAST of repeated fields), nothing
// otherwise. Anything where a second reader could see something else is refused with 400.
import { InvalidError, PayloadTooLargeError } from '@/lib/errors';

/** Bodies to /api/auth/* (sign-in, sign-out, SSO) are small forms: 64 KB is generous. */
export const AUTH_MAX_BODY_BYTES = 64 * 1024;

/** Reads at most maxBytes, counting as it streams (Content-Length is checked first but not trusted). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PayloadTooLargeError(`Request body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(`Request body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export type SigninFields = Record<string, string>;

/** The credentials POST's fields as next-auth will read them, or InvalidError when that is ambiguous. */
export function parseSigninFields(bytes: Uint8Array, contentType: string | null): SigninFields {
  const raw = contentType ?? '';
  const mediaType = raw.split(';')[0].trim().toLowerCase();
  // next-auth tests the raw header with a case-sensitive includes(); require that the strict media
  // type and its test agree, so both readers pick the same parser.
  const nextAuthReadsJson = raw.includes('application/json');
  const nextAuthReadsForm = !nextAuthReadsJson && raw.includes('application/x-www-form-urlencoded');
  // TextDecoder drops a leading BOM, as Request.text() / .json() do.
  const text = new TextDecoder().decode(bytes);
  if (mediaType === 'application/json' && nextAuthReadsJson) return jsonFields(text);
  if (mediaType === 'application/x-www-form-urlencoded' && nextAuthReadsForm) return formFields(text);
  throw new InvalidError('Sign-in needs Content-Type application/x-www-form-urlencoded or application/json');
}

function jsonFields(text: string): SigninFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidError(`Malformed JSON body: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidError('The sign-in body must be a JSON object');
  const fields: SigninFields = Object.create(null);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new InvalidError(`Sign-in field "${key.slice(0, 50)}" must be a string`);
    fields[key] = value;
  }
  return fields;
}

function formFields(text: string): SigninFields {
  const fields: SigninFields = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, key)) throw new InvalidError(`Sign-in field "${key.slice(0, 50)}" appears more than once`);
    fields[key] = value;
  }
  return fields;
}
