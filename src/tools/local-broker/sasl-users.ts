/**
 * The SASL users of a secured local broker. SCRAM users are written into the cluster metadata when
 * storage is formatted (`StorageTool format --add-scram`), so they exist before the first client
 * connects and no admin request (which kafkajs cannot send) is needed; PLAIN users live in the
 * listener's JAAS configuration.
 */
import { randomInt } from 'node:crypto';
import { PunchlineError } from '../../core/errors.js';

/** The username/password mechanisms the SASL_SSL listener accepts (OAUTHBEARER takes tokens, not users). */
export type SaslMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';

/** Every {@link SaslMechanism}, in the order users are created and printed. */
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'];

/** A user a client can log in as on the SASL_SSL listener. */
export interface SaslUser {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** A user to create; without a password one is generated. */
export interface SaslUserRequest {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password?: string;
}

/** One user per mechanism, so each mechanism can be tried (and its failures told apart) on its own. */
export const DEFAULT_SASL_USERS: readonly SaslUserRequest[] = [
  { mechanism: 'SCRAM-SHA-256', username: 'punchline-scram256' },
  { mechanism: 'SCRAM-SHA-512', username: 'punchline-scram512' },
  { mechanism: 'PLAIN', username: 'punchline-plain' },
];

/**
 * Characters allowed in passwords and usernames. They must pass unquoted through three syntaxes
 * (Java properties, JAAS options, StorageTool's `[name=…,password=…]`), so separators and quotes
 * of any of them are refused rather than escaped.
 */
const SAFE_PASSWORD = /^[A-Za-z0-9._~@%^*+!-]{1,128}$/;
const SAFE_USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * Gives every requested user a password: its own, else `sharedPassword`, else a generated one.
 * Throws `E_USAGE` for characters Kafka's configuration syntaxes cannot carry, or for two users of
 * the same mechanism and name.
 */
export function resolveSaslUsers(requests: readonly SaslUserRequest[] = DEFAULT_SASL_USERS, sharedPassword?: string): SaslUser[] {
  const seen = new Set<string>();
  return requests.map((request) => {
    if (!SASL_MECHANISMS.includes(request.mechanism)) {
      throw new PunchlineError('E_USAGE', `sasl user ${request.username}: unknown mechanism ${String(request.mechanism)}`, { hint: `use one of ${SASL_MECHANISMS.join(', ')}` });
    }
    if (!SAFE_USERNAME.test(request.username)) {
      throw new PunchlineError('E_USAGE', `sasl user ${JSON.stringify(request.username)}: usernames may hold only letters, digits, '.', '_' and '-'`);
    }
    const key = `${request.mechanism}/${request.username}`;
    if (seen.has(key)) throw new PunchlineError('E_USAGE', `sasl user ${request.username}: listed twice for ${request.mechanism}`);
    seen.add(key);
    const password = request.password ?? sharedPassword ?? generatePassword();
    if (!SAFE_PASSWORD.test(password)) {
      throw new PunchlineError('E_USAGE', `sasl user ${request.username}: the password may hold only letters, digits and . _ ~ @ % ^ * + ! - (1 to 128 of them)`, {
        hint: 'quotes, spaces, commas, brackets and = cannot pass through Kafka\'s configuration syntaxes',
      });
    }
    return { mechanism: request.mechanism, username: request.username, password };
  });
}

/** A random 24-character password without look-alike characters (easy to copy from a terminal). */
export function generatePassword(length = 24): string {
  let password = '';
  for (let i = 0; i < length; i++) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return password;
}

/** The `StorageTool format` arguments that create the SCRAM users in the bootstrap metadata. */
export function scramFormatArguments(users: readonly SaslUser[]): string[] {
  return users
    .filter((user) => user.mechanism !== 'PLAIN')
    .flatMap((user) => ['--add-scram', `${user.mechanism}=[name=${user.username},password=${user.password}]`]);
}

/** The server-side JAAS line of the PLAIN mechanism: one `user_<name>="<password>"` option per user. */
export function plainServerJaasConfig(users: readonly SaslUser[]): string {
  const options = users.filter((user) => user.mechanism === 'PLAIN').map((user) => ` user_${user.username}="${user.password}"`);
  return `org.apache.kafka.common.security.plain.PlainLoginModule required${options.join('')};`;
}
