// Whether an access token says its sign-in used multi-factor authentication: the `amr`
// (authentication methods) claim holds "mfa". Partner Center refuses App+User calls whose token
// lacks it from 1 April 2026, so a sign-in without it is refused at once rather than at the first
// call (docs/architecture.md#partner-center). The token comes straight from the authority over
// TLS and is only read here, not trusted for access: the API checks its signature.

import jwt from 'jsonwebtoken';

/** What the person who signed in is told: why the sign-in was refused, and what to do. */
export const MFA_MISSING =
  'the account signed in without multi-factor authentication (MFA), and Partner Center refuses such sign-ins since 1 April 2026: turn on MFA for this account (or ask your Microsoft Entra administrator for a Conditional Access policy that requires it), then sign in again';

/** The token's authentication methods, or undefined when it carries none (or is not a JWT). */
export function authenticationMethods(accessToken: string): string[] | undefined {
  const payload = jwt.decode(accessToken, { json: true });
  const amr = payload?.['amr'];
  return Array.isArray(amr) ? amr.filter((method): method is string => typeof method === 'string') : undefined;
}

/**
 * Whether the sign-in used MFA: the access token's `amr`, else (an access token that is not a
 * readable JWT) the ID token's, which MSAL has decoded. Neither saying so is a no.
 */
export function usedMfa(accessToken: string, idTokenClaims?: object): boolean {
  const fromIdToken = (idTokenClaims as { amr?: unknown } | undefined)?.amr;
  const methods = authenticationMethods(accessToken) ?? (Array.isArray(fromIdToken) ? fromIdToken : []);
  return methods.some((method) => typeof method === 'string' && method.toLowerCase() === 'mfa');
}
