/**
 * OAUTHBEARER tokens for kafkajs: a static token (re-read from its file at each authentication,
 * so a sidecar can rotate it), or the OAuth 2 client-credentials grant against a token URL, cached
 * until `expiry_margin_ms` before it expires.
 */
import type { OauthbearerProviderResponse } from 'kafkajs';
import type { KafkaSaslConfig } from '../config/platform-config.js';
import { PunchlineError } from '../errors.js';
import { readConfigFile } from './config-files.js';

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
}

/** A kafkajs `oauthBearerProvider` for the cluster's oauth settings. */
export function oauthBearerProvider(sasl: KafkaSaslConfig, clusterId: string, timeoutMs: number): () => Promise<OauthbearerProviderResponse> {
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
  let cached: { value: string; renewAt: number } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() < cached.renewAt) return { value: cached.value, ...extensions };
    const secret = oauth.client_secret_file === undefined ? (oauth.client_secret ?? '') : readConfigFile(oauth.client_secret_file, 'the client secret file', clusterId).trim();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: oauth.client_id ?? '', client_secret: secret, ...oauth.parameters });
    if (oauth.scopes.length > 0) form.set('scope', oauth.scopes.join(' '));
    let response: Response;
    try {
      response = await fetch(tokenUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new PunchlineError('E_KAFKA_AUTH', `kafka cluster "${clusterId}": token request to ${tokenUrl} failed: ${(error as Error).message}`, { cause: error, retriable: true });
    }
    const body = (await response.json().catch(() => ({}))) as TokenResponse;
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new PunchlineError('E_KAFKA_AUTH', `kafka cluster "${clusterId}": token endpoint ${tokenUrl} answered ${response.status} without an access_token`, {
        hint: `check client_id "${oauth.client_id ?? ''}" and its secret`,
      });
    }
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3600_000;
    cached = { value: body.access_token, renewAt: Date.now() + Math.max(0, lifetimeMs - oauth.expiry_margin_ms) };
    return { value: cached.value, ...extensions };
  };
}
