// Verifies a Partner Center webhook delivery before anything else is done with it
// (docs/architecture.md#partner-center): RSA-SHA256 over the raw body bytes, with the certificate
// named by X-MS-Certificate-Url, fetched only from an allowed prefix, without redirects, cached;
// the chain checked by pkijs against the trusted roots, the subject's organisation Microsoft
// Corporation, the leaf within its validity. Every refusal is a WebhookSignatureError. A location
// that failed is remembered for a minute: invented certificate names under the allowed prefix cost
// one fetch a minute each, not one per request.

import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import * as pkijs from 'pkijs';

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface SignatureOptions {
  certUrlPrefixes: readonly string[];
  /** PEM with the roots a signing certificate must chain to; default Node's bundled roots. */
  trustedCaFile?: string;
  /** How long a fetched certificate is reused (never past its notAfter). */
  cacheForMs?: number;
  fetchTimeoutMs?: number;
  now?: () => Date;
}

const REQUIRED_ORGANISATION = 'Microsoft Corporation';
const MAX_CERT_BYTES = 64 * 1024;
const MAX_CACHED = 16;
/** How long a certificate location that failed is refused without fetching it again, and how many are remembered. */
const FAILURE_MEMORY_MS = 60_000;
const MAX_FAILURES = 1_024;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

function pemBlocks(text: string): Buffer[] {
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g)];
  return blocks.map((block) => Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64'));
}

/** DER (one certificate, as Partner Center serves its .cer) or PEM (a leaf followed by its intermediates). */
function certificatesIn(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  const ders = text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text) : [bytes];
  if (ders.length === 0) throw new WebhookSignatureError('the certificate file holds no certificate');
  return ders;
}

function toPkijs(der: Buffer): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(new Uint8Array(der));
  } catch {
    throw new WebhookSignatureError('the certificate cannot be parsed');
  }
}

function organisationsOf(certificate: X509Certificate): string[] {
  return certificate.subject
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2));
}

interface Cached {
  leaf: X509Certificate;
  until: number;
}

export class WebhookSignatureVerifier {
  readonly #prefixes: readonly string[];
  readonly #trusted: pkijs.Certificate[];
  readonly #cacheForMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => Date;
  readonly #cache = new Map<string, Cached>();
  readonly #inFlight = new Map<string, Promise<X509Certificate>>();
  readonly #failures = new Map<string, { error: WebhookSignatureError; until: number }>();

  constructor(options: SignatureOptions) {
    this.#prefixes = options.certUrlPrefixes;
    const roots = options.trustedCaFile ? pemBlocks(readFileSync(options.trustedCaFile, 'utf8')) : rootCertificates.flatMap((pem) => pemBlocks(pem));
    if (roots.length === 0) throw new Error(`PARTNER_CENTER_TRUSTED_CA_FILE (${options.trustedCaFile}) holds no PEM certificate`);
    this.#trusted = roots.map(toPkijs);
    this.#cacheForMs = options.cacheForMs ?? 3_600_000;
    this.#timeoutMs = options.fetchTimeoutMs ?? 5_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Throws WebhookSignatureError unless `body` carries a valid Partner Center signature. */
  async verify(headers: Headers, body: Buffer): Promise<void> {
    const algorithm = header(headers, 'x-ms-signature-algorithm');
    if (algorithm?.toLowerCase() !== 'rsa-sha256') throw new WebhookSignatureError('X-MS-Signature-Algorithm must be rsa-sha256');
    const authorization = header(headers, 'authorization');
    const signatureText = header(headers, 'x-ms-signature') ?? /^Signature ([A-Za-z0-9+/]+={0,2})$/.exec(authorization ?? '')?.[1];
    if (!signatureText || !/^[A-Za-z0-9+/]+={0,2}$/.test(signatureText))
      throw new WebhookSignatureError('no signature (Authorization: Signature <base64> or x-ms-signature)');
    const certUrl = header(headers, 'x-ms-certificate-url');
    if (!certUrl) throw new WebhookSignatureError('no X-MS-Certificate-Url');
    const leaf = await this.#leaf(this.#allowedUrl(certUrl));
    const now = this.#now();
    if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) throw new WebhookSignatureError('the signing certificate is not within its validity');
    const valid = verify('sha256', body, leaf.publicKey, Buffer.from(signatureText, 'base64'));
    if (!valid) throw new WebhookSignatureError('the signature does not match the body');
  }

  #allowedUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookSignatureError('X-MS-Certificate-Url is not a URL');
    }
    if (url.username || url.password || url.search || url.hash)
      throw new WebhookSignatureError('X-MS-Certificate-Url carries credentials, a query or a fragment');
    // Compared after URL normalization, so "/cert/../elsewhere" or an encoded host cannot slip through.
    if (!this.#prefixes.some((prefix) => url.href.startsWith(prefix)))
      throw new WebhookSignatureError('X-MS-Certificate-Url is not an allowed certificate location');
    return url.href;
  }

  /** The checked signing certificate at `url`: fetched and chain-checked once, then reused while cached. */
  async #leaf(url: string): Promise<X509Certificate> {
    const now = this.#now().getTime();
    const cached = this.#cache.get(url);
    if (cached && cached.until > now) return cached.leaf;
    const failed = this.#failures.get(url);
    if (failed && failed.until > now) throw failed.error;
    let pending = this.#inFlight.get(url);
    if (!pending) {
      pending = this.#download(url)
        .then((ders) => this.#checkedLeaf(ders))
        .catch((error: unknown) => {
          if (error instanceof WebhookSignatureError) this.#remember(url, error);
          throw error;
        })
        .finally(() => this.#inFlight.delete(url));
      this.#inFlight.set(url, pending);
    }
    const leaf = await pending;
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(url, { leaf, until: Math.min(now + this.#cacheForMs, Date.parse(leaf.validTo)) });
    return leaf;
  }

  #remember(url: string, error: WebhookSignatureError): void {
    this.#failures.delete(url);
    if (this.#failures.size >= MAX_FAILURES) this.#failures.delete(this.#failures.keys().next().value!);
    this.#failures.set(url, { error, until: this.#now().getTime() + FAILURE_MEMORY_MS });
  }

  async #download(url: string): Promise<Buffer[]> {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch {
      throw new WebhookSignatureError('the signing certificate cannot be fetched');
    }
    if (response.status !== 200)
      throw new WebhookSignatureError(
        `the certificate location answered ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`,
      );
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_CERT_BYTES) throw new WebhookSignatureError('the certificate file is too large');
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_CERT_BYTES) throw new WebhookSignatureError('the certificate file is too large');
    return certificatesIn(bytes);
  }

  async #checkedLeaf(ders: Buffer[]): Promise<X509Certificate> {
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(ders[0]!);
    } catch {
      throw new WebhookSignatureError('the certificate cannot be parsed');
    }
    const now = this.#now();
    if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) throw new WebhookSignatureError('the signing certificate is not within its validity');
    if (!organisationsOf(leaf).includes(REQUIRED_ORGANISATION))
      throw new WebhookSignatureError(`the signing certificate's organisation is not ${REQUIRED_ORGANISATION}`);
    // pkijs takes the end-entity certificate last.
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: this.#trusted,
      certs: [...ders.slice(1), ders[0]!].map(toPkijs),
      checkDate: now,
    });
    const result = await engine.verify().catch((error: unknown) => ({ result: false, resultMessage: String((error as Error)?.message ?? error) }));
    if (!result.result) throw new WebhookSignatureError(`the signing certificate does not chain to a trusted root (${result.resultMessage})`);
    return leaf;
  }
}
