/**
 * Where OAUTHBEARER tokens come from: a static token (its file re-read at each authentication, so
 * a sidecar can rotate it), or the OAuth 2 client-credentials grant against a token URL, cached
 * until `expiry_margin_ms` before it expires. Failures name the token URL and the client id,
 * never the secret or a token.
 */
import type { KafkaSaslConfig } from './cluster-config.js';
import { PunchlineError } from '../../core/errors.js';
import { readConfigFile } from './config-files.js';
import type { OauthBearerTokenSource } from './oauthbearer-mechanism.js';

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** Lifetime assumed when a token endpoint does not say (`expires_in`). */
const DEFAULT_LIFETIME_MS = 3600_000;

/** The token source for the cluster's `sasl.oauth` settings (validation made sure they are complete). */
export function oauthTokenSource(sasl: KafkaSaslConfig, clusterId: string, timeoutMs: number): OauthBearerTokenSource {
  const oauth = sasl.oauth;
  if (oauth === undefined) throw new PunchlineError('E_CONFIG_INVALID', `kafka cluster "${clusterId}": OAUTHBEARER needs an oauth block`);
  const extensions = sasl.extensions === undefined ? {} : { extensions: { ...sasl.extensions } };
  if (oauth.token_url === undefined) {
    return () => {
      const value = oauth.access_token_file === undefined ? (oauth.access_token ?? '') : readConfigFile(oauth.access_token_file, 'the access token file', clusterId).trim();
      return Promise.resolve({ value, ...extensions });
    };
  }
  const tokenUrl = oauth.token_url;
  const clientId = oauth.client_id ?? '';
  let cached: { value: string; renewAt: number } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() < cached.renewAt) return { value: cached.value, ...extensions };
    const secret = oauth.client_secret_file === undefined ? (oauth.client_secret ?? '') : readConfigFile(oauth.client_secret_file, 'the client secret file', clusterId).trim();
    const form = new URLSearchParams({ ...oauth.parameters, grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    if (oauth.scopes.length > 0) form.set('scope', oauth.scopes.join(' '));
    let response: Response;
    try {
      response = await fetch(tokenUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error instanceof Error ? error.message : String(error));
      throw new PunchlineError('E_KAFKA_AUTH', `token request to ${tokenUrl} for client "${clientId}" failed: ${reason}`, { cause: error, retriable: true, hint: 'check sasl.oauth.token_url and that this host reaches it' });
    }
    const body = (await response.json().catch(() => ({}))) as TokenResponse;
    if (!response.ok || typeof body.access_token !== 'string') {
      const said = typeof body.error === 'string' ? `: ${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : '';
      throw new PunchlineError('E_KAFKA_AUTH', `token endpoint ${tokenUrl} refused client "${clientId}" (HTTP ${response.status}${said})`, {
        hint: 'check sasl.oauth.client_id, its secret, scopes and parameters',
      });
    }
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    cached = { value: body.access_token, renewAt: Date.now() + Math.max(0, lifetimeMs - oauth.expiry_margin_ms) };
    return { value: cached.value, ...extensions };
  };
}
