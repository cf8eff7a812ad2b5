/**
 * Unsigned OAUTHBEARER tokens for a secured local broker. Kafka's built-in unsecured validator
 * accepts a JWS with `alg: none` whose `sub` claim becomes the principal and whose `exp` claim is
 * in the future; this builds one, so tests of static tokens need no identity provider.
 */

/** Claims of {@link unsecuredOAuthBearerToken}. */
export interface UnsecuredTokenOptions {
  /** The principal the broker will see. */
  readonly subject: string;
  /** Lifetime from now; default one hour. */
  readonly lifetimeSeconds?: number;
  /** Space-separated scopes (`scope` claim), if any. */
  readonly scope?: string;
}

/** A compact unsigned JWS (`header.payload.` with an empty signature). */
export function unsecuredOAuthBearerToken(options: UnsecuredTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'none' };
  const claims = {
    sub: options.subject,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? 3600),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  };
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.`;
}
