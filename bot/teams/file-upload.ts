// The upload of a file the person accepted (Teams' file consent flow): one PUT of the whole file to
// the upload URL Teams gave (the person's OneDrive), with its Content-Range, and a time limit.
// Only an https URL is taken; a loopback http one only in local mode (the tests' fake OneDrive).

import { isLoopback } from '../loopback.js';

const UPLOAD_TIMEOUT_MS = 30_000;

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

export async function uploadAccepted(uploadUrl: unknown, body: Buffer, localMode: boolean): Promise<void> {
  let url: URL;
  try {
    url = new URL(String(uploadUrl));
  } catch {
    throw new UploadError('the upload URL is not a URL');
  }
  const allowed = url.protocol === 'https:' || (localMode && url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[|\]$/g, '')));
  if (!allowed) throw new UploadError(`refusing to upload to ${url.protocol}//${url.host}`);
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'Content-Length': String(body.length), 'Content-Range': `bytes 0-${Math.max(0, body.length - 1)}/${body.length}` },
    body,
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  if (!response.ok) throw new UploadError(`the upload was refused: ${response.status}`);
}
