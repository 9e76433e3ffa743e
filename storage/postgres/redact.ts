// A connection string as it may be shown: the password replaced, so that start-up errors and logs
// can name the database without leaking its secret.

export function redactConnectionString(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    // Not a URL: show only its scheme, whatever the rest holds.
    return `${value.split(':')[0] ?? ''}:…`;
  }
}
