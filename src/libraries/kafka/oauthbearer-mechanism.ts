/**
 * SASL OAUTHBEARER (RFC 7628) as a kafkajs custom mechanism, replacing kafkajs' built-in one.
 *
 * Why: when a broker rejects a token it does not answer with an error code but with a server
 * challenge, a JSON object such as `{"status":"invalid_token"}`, and waits for the client to give
 * up. kafkajs' built-in mechanism ignores that challenge, reports the login as successful and then
 * fails later with "No brokers in the broker pool", which sends a user looking at the network.
 * This one reads the challenge and fails the login with the broker's status and, for a JWT, when
 * the token expired — never with the token itself. @platformatic/kafka takes the same challenge for
 * a success too: its clients read it with {@link oauthBearerRefusal} (`platformatic-connection.ts`).
 */
import type { AuthenticationProviderArgs, Authenticator, Mechanism } from 'kafkajs';
import { PunchlineError } from '../../core/errors.js';

/** A token and the SASL extensions sent with it. */
export interface OauthBearerToken {
  readonly value: string;
  readonly extensions?: Readonly<Record<string, string>>;
}

/** Where tokens come from: called at every authentication, so it may renew or re-read them. */
export type OauthBearerTokenSource = () => Promise<OauthBearerToken>;

const SOH = '\u0001';

/** The client's initial response: GS2 header, `auth=Bearer <token>`, extensions (RFC 7628 §3.1). */
function initialResponse(token: OauthBearerToken): Buffer {
  const extensions = Object.entries(token.extensions ?? {}).map(([key, value]) => `${SOH}${key}=${value}`).join('');
  const message = Buffer.from(`n,,${SOH}auth=Bearer ${token.value}${extensions}${SOH}${SOH}`, 'utf8');
  // kafkajs sends these bytes as they are: they must carry their own int32 length, as Kafka BYTES do.
  const framed = Buffer.alloc(4 + message.length);
  framed.writeInt32BE(message.length, 0);
  message.copy(framed, 4);
  return framed;
}

/** The broker's answer without kafkajs' int32 length prefix (empty when the login succeeded). */
function challengeText(raw: Buffer): string {
  if (raw.length < 4) return '';
  const length = raw.readInt32BE(0);
  return length <= 0 ? '' : raw.subarray(4, 4 + length).toString('utf8');
}

/** What a JWT says about itself (`sub`, `exp`), when the token is one; nothing secret. */
function describeJwt(token: string): { subject?: string; expiresAt?: Date } {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
    return {
      ...(typeof claims.sub === 'string' && { subject: claims.sub }),
      ...(typeof claims.exp === 'number' && { expiresAt: new Date(claims.exp * 1000) }),
    };
  } catch {
    return {};
  }
}

/** Why the broker refused `token`, in words: its status, and the token's expiry when it has passed. */
function refusal(challenge: string, token: string): string {
  let status = challenge;
  try {
    const parsed = JSON.parse(challenge) as { status?: unknown; scope?: unknown };
    if (typeof parsed.status === 'string') status = parsed.status + (typeof parsed.scope === 'string' ? ` (scope ${parsed.scope})` : '');
  } catch {
    // Not JSON: quote the challenge as it came.
  }
  const { subject, expiresAt } = describeJwt(token);
  const who = subject === undefined ? '' : ` for subject "${subject}"`;
  const expiry = expiresAt !== undefined && expiresAt.getTime() <= Date.now() ? `; the token expired at ${expiresAt.toISOString()}` : '';
  return `the broker rejected the OAUTHBEARER token${who}: ${status}${expiry}`;
}

/**
 * The error of a login the broker refused with `challenge` (its server challenge, not empty) for
 * `token`: the broker's status and, for a JWT, its subject and when it expired; never the token.
 * Both libraries' logins fail with it (@platformatic/kafka's through `authBytesValidator`).
 */
export function oauthBearerRefusal(challenge: string, token: string): PunchlineError {
  return new PunchlineError('E_KAFKA_AUTH', refusal(challenge, token), { hint: 'give a valid, unexpired token; see the broker log for the validator\'s reason' });
}

/** A kafkajs SASL mechanism logging in with the tokens of `source`. */
export function oauthBearerMechanism(source: OauthBearerTokenSource): Mechanism {
  return {
    mechanism: 'OAUTHBEARER',
    authenticationProvider: ({ saslAuthenticate }: AuthenticationProviderArgs): Authenticator => ({
      authenticate: async () => {
        const token = await source();
        if (token.value === '') throw new PunchlineError('E_KAFKA_AUTH', 'the OAUTHBEARER token is empty', { hint: 'check access_token (or the file access_token_file names)' });
        const challenge = await saslAuthenticate<string>({
          request: { encode: () => initialResponse(token) },
          response: { decode: (raw) => raw, parse: (raw) => challengeText(raw) },
        });
        if (typeof challenge === 'string' && challenge !== '') throw oauthBearerRefusal(challenge, token.value);
      },
    }),
  };
}
