/**
 * Small JSON HTTP helpers for tests (node's global fetch). Non-2xx statuses are returned, not thrown;
 * network errors (refused, reset, timeout) reject.
 */
export interface HttpResult<T = any> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text ('' → undefined). */
  body: T;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Abort after this many ms (rejects with a TimeoutError). Default 10 000. */
  timeoutMs?: number;
}

export async function requestJson<T = any>(method: string, url: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  const outHeaders: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    outHeaders[k] = v;
  });
  let parsed: any = text === '' ? undefined : text;
  if (text !== '' && /json/i.test(res.headers.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  } else if (text !== '') {
    // restify may send JSON without a json content type in some paths: try anyway
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
  }
  return { status: res.status, headers: outHeaders, body: parsed as T, text };
}

export const getJson = <T = any>(url: string, opts?: RequestOptions) => requestJson<T>('GET', url, undefined, opts);
export const postJson = <T = any>(url: string, body: unknown, opts?: RequestOptions) => requestJson<T>('POST', url, body, opts);
export const putJson = <T = any>(url: string, body: unknown, opts?: RequestOptions) => requestJson<T>('PUT', url, body, opts);
export const deleteJson = <T = any>(url: string, opts?: RequestOptions) => requestJson<T>('DELETE', url, undefined, opts);
