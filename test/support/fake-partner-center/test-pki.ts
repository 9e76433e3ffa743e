// A throwaway PKI for the fake Partner Center, made fresh in memory each run (@peculiar/x509):
// a root CA, an intermediate, the webhook signer ("Microsoft Corporation", as Partner Center's
// certificate), a signer from another organisation, and a TLS certificate for the HTTPS sign-in
// authority on 127.0.0.1. Nothing here is a secret: the keys die with the process.

// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 86_400_000;

export interface Issued {
  pem: string;
  keyPem: string;
  key: webcrypto.CryptoKeyPair;
  cert: x509.X509Certificate;
}

async function keys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function keyPem(key: webcrypto.CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

let serial = 1;

async function issue(
  subject: string,
  issuer: Issued | undefined,
  options: { ca?: boolean; san?: boolean; notBefore?: Date; notAfter?: Date },
): Promise<Issued> {
  const key = await keys();
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = options.notAfter ?? new Date(Date.now() + 30 * DAY);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.ca === true, undefined, true),
    new x509.KeyUsagesExtension(
      options.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
  ];
  if (options.san) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    );
  }
  const serialNumber = (serial++).toString(16).padStart(2, '0');
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber,
        subject,
        issuer: issuer.cert.subject,
        notBefore,
        notAfter,
        signingAlgorithm: ALGORITHM,
        publicKey: key.publicKey,
        signingKey: issuer.key.privateKey,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuer.key.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: subject,
        notBefore,
        notAfter,
        signingAlgorithm: ALGORITHM,
        keys: key,
        extensions,
      });
  return { pem: `${cert.toString('pem').trim()}\n`, keyPem: await keyPem(key), key, cert };
}

export interface TestPki {
  root: Issued;
  intermediate: Issued;
  /** O=Microsoft Corporation, issued by the intermediate: what Partner Center signs with. */
  signer: Issued;
  /** Chains to the same root, but another organisation. */
  otherOrganisation: Issued;
  /** Right organisation, but issued by a root nobody trusts. */
  untrusted: Issued;
  /** Right organisation and chain, but expired yesterday. */
  expired: Issued;
  /** The HTTPS authority's certificate (localhost, 127.0.0.1). */
  tls: Issued;
}

let shared: Promise<TestPki> | undefined;

/**
 * One PKI per test process: eight RSA keys cost about 1.5 s, and every rig would pay it again.
 * Valid from a day before to 30 days after it is made, far longer than any run.
 */
export function sharedTestPki(): Promise<TestPki> {
  shared ??= createTestPki().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

export async function createTestPki(): Promise<TestPki> {
  const root = await issue('CN=Referral Desk Test Root,O=Referral Desk Tests', undefined, { ca: true });
  const intermediate = await issue('CN=Referral Desk Test Issuing CA,O=Referral Desk Tests', root, { ca: true });
  const signer = await issue('CN=pcnotifications-dispatch.microsoft.com,O=Microsoft Corporation,L=Redmond,ST=WA,C=US', intermediate, {});
  const otherOrganisation = await issue('CN=pcnotifications-dispatch.example,O=Contoso Ltd,C=US', intermediate, {});
  const strangerRoot = await issue('CN=Stranger Root,O=Microsoft Corporation', undefined, { ca: true });
  const untrusted = await issue('CN=pcnotifications-dispatch.microsoft.com,O=Microsoft Corporation,C=US', strangerRoot, {});
  const expired = await issue('CN=pcnotifications-dispatch.microsoft.com,O=Microsoft Corporation,C=US', intermediate, {
    notBefore: new Date(Date.now() - 60 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const tls = await issue('CN=localhost', root, { san: true });
  return { root, intermediate, signer, otherOrganisation, untrusted, expired, tls };
}
