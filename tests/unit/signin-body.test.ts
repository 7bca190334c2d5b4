// The credentials POST is read once, the way next-auth reads it; anything a second reader could read
// differently is refused (next-auth 4.24: JSON if the Content-Type includes "application/json", a
// form if it includes "application/x-www-form-urlencoded", the LAST of repeated form fields).
import { describe, expect, it } from 'vitest';
import { AUTH_MAX_BODY_BYTES, parseSigninFields, readBodyBytes } from '@/lib/auth/signin-body';
import { InvalidError, PayloadTooLargeError } from '@/lib/errors';

const bytes = (text: string) => new TextEncoder().encode(text);
const FORM = 'application/x-www-form-urlencoded';

describe('sign-in body fields', () => {
  it('reads forms and JSON objects of strings', () => {
    expect({ ...parseSigninFields(bytes('email=a%40x&password=p+w&csrfToken=t'), FORM) }).toEqual({ email: 'a@x', password: 'p w', csrfToken: 't' });
    expect({ ...parseSigninFields(bytes('email=a%40x'), `${FORM}; charset=UTF-8`) }).toEqual({ email: 'a@x' });
    expect({ ...parseSigninFields(bytes('\uFEFF{"email":"a@x","password":"pw"}'), 'application/json') }).toEqual({ email: 'a@x', password: 'pw' });
    expect({ ...parseSigninFields(bytes('{"email":"a@x"}'), 'application/json; charset=utf-8') }).toEqual({ email: 'a@x' });
  });

  it.each([
    ['a repeated form field', 'email=a%40x&email=b%40x', FORM, /"email" appears more than once/],
    ['a non-string JSON value', '{"email":["a@x"]}', 'application/json', /"email" must be a string/],
    ['an object where the password goes', '{"email":"a@x","password":{"$ne":1}}', 'application/json', /"password" must be a string/],
    ['null', 'null', 'application/json', /must be a JSON object/],
    ['an array', '["a@x"]', 'application/json', /must be a JSON object/],
    ['malformed JSON', '{"email":', 'application/json', /^Malformed JSON body/],
    ['no Content-Type', 'email=a%40x', null, /Content-Type/],
    ['text/plain', 'email=a%40x', 'text/plain', /Content-Type/],
    ['multipart', 'email=a%40x', 'multipart/form-data; boundary=x', /Content-Type/],
    ['a form type that also names JSON (next-auth would parse JSON)', 'email=a%40x', `${FORM}; x=application/json`, /Content-Type/],
    ['JSON in another case (next-auth would not parse it)', '{"email":"a@x"}', 'Application/JSON', /Content-Type/],
    ['a JSON type next-auth reads but that is not JSON', '{"email":"a@x"}', 'application/json-seq', /Content-Type/],
  ])('refuses %s with 400', (_name, body, type, message) => {
    let error: unknown;
    try {
      parseSigninFields(bytes(body), type);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).message).toMatch(message);
  });

  it('keeps "__proto__" a plain field', () => {
    const fields = parseSigninFields(bytes('{"__proto__":"x","email":"a@x"}'), 'application/json');
    expect(fields.email).toBe('a@x');
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });
});

describe('capped body reading', () => {
  it('refuses a declared size over the cap without reading', async () => {
    const req = new Request('http://x/', { method: 'POST', headers: { 'content-length': String(AUTH_MAX_BODY_BYTES + 1) }, body: 'x' });
    await expect(readBodyBytes(req, AUTH_MAX_BODY_BYTES)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('counts streamed bytes and stops at the cap, whatever Content-Length said', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024));
        if (pulled > 100) controller.close();
      },
    });
    const req = new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    await expect(readBodyBytes(req, AUTH_MAX_BODY_BYTES)).rejects.toThrow(/exceeds the limit of 65536 bytes/);
    expect(pulled).toBeLessThan(10);
  });

  it('returns the bytes under the cap', async () => {
    const req = new Request('http://x/', { method: 'POST', body: 'email=a' });
    expect(new TextDecoder().decode(await readBodyBytes(req, AUTH_MAX_BODY_BYTES))).toBe('email=a');
  });
});
