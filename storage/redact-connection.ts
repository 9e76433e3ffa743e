// A connection string as it may be shown: every password form node-postgres accepts replaced, so
// that start-up errors and logs can name the database without leaking its secret. The forms: the
// URL's user info (postgres://u:secret@h/db), query parameters (?password=secret, sslpassword), and
// libpq's keyword/value string (host=h password=secret, or password='with spaces').

/** Keys whose values are secrets, in a URL's query or a keyword/value string. */
const SECRET_KEYS = new Set(['password', 'sslpassword']);
const KEYWORD_VALUE = /\b([a-z_]+)(\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+)/gi;
const HIDDEN = '***';

export function redactConnectionString(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.password !== '') url.password = HIDDEN;
      for (const key of [...url.searchParams.keys()]) if (SECRET_KEYS.has(key.toLowerCase())) url.searchParams.set(key, HIDDEN);
      return url.toString();
    } catch {
      // A URL that does not parse: its user info may still hold a secret.
      return `${value.split(':')[0]}://…`;
    }
  }
  return value
    .replace(KEYWORD_VALUE, (whole, key: string, equals: string) => (SECRET_KEYS.has(key.toLowerCase()) ? `${key}${equals}${HIDDEN}` : whole))
    .replace(/^([^\s:@/]*):[^\s@]*@/, `$1:${HIDDEN}@`); // user:secret@host written without a scheme
}
