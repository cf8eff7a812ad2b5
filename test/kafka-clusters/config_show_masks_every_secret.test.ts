/**
 * `punchline config show` prints the effective platform config — defaults filled — with every
 * secret as `***`: passwords, tokens, client secrets, and any value substituted from the
 * environment, whatever its key (but a cluster's `client`, which names a library). Paths of secret
 * files are shown: they are not secrets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import JSON5 from 'json5';
import { assertNothingLeaks, platformFile, punchline } from './support.js';

test('passwords, tokens, client secrets and ${ENV} values show as ***, defaults are filled', async () => {
  const file = await platformFile({
    scram: { brokers: ['kafka-1:9093'], tls: { ca_file: '/etc/kafka/ca.pem' }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'alerts', password: 'clear-text-pw' } },
    plain: { brokers: ['${PLAIN_BROKER}'], sasl: { mechanism: 'PLAIN', username: '${PLAIN_USER}', password_file: '/run/secrets/plain' } },
    token: { brokers: ['kafka-2:9093'], sasl: { mechanism: 'OAUTHBEARER', oauth: { access_token: 'static-token-value' } } },
    grant: {
      brokers: ['kafka-3:9093'],
      sasl: { mechanism: 'OAUTHBEARER', extensions: { logicalCluster: '${LOGICAL_CLUSTER}' }, oauth: { token_url: 'https://idp.example/token', client_id: 'alerts', client_secret: '${CLIENT_SECRET}' } },
    },
  });
  const env = { PLAIN_BROKER: 'kafka-9:9092', PLAIN_USER: 'user-from-env', LOGICAL_CLUSTER: 'lkc-from-env', CLIENT_SECRET: 'client-secret-from-env' };
  const run = await punchline(['config', 'show', '--config', file], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.split('\n')[0], `// platform config: ${file}`);
  assert.deepEqual(JSON5.parse(run.stdout), {
    kafka: {
      clusters: {
        scram: {
          brokers: ['kafka-1:9093'],
          tls: { ca_file: '/etc/kafka/ca.pem', enabled: true, insecure_skip_verify: false },
          sasl: { mechanism: 'SCRAM-SHA-512', username: 'alerts', password: '***' },
          client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000,
        },
        plain: {
          brokers: ['***'],
          sasl: { mechanism: 'PLAIN', username: '***', password_file: '/run/secrets/plain' },
          client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000,
        },
        token: {
          brokers: ['kafka-2:9093'],
          sasl: { mechanism: 'OAUTHBEARER', oauth: { access_token: '***', scopes: [], expiry_margin_ms: 10000, parameters: {} } },
          client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000,
        },
        grant: {
          brokers: ['kafka-3:9093'],
          sasl: {
            mechanism: 'OAUTHBEARER',
            extensions: { logicalCluster: '***' },
            oauth: { token_url: 'https://idp.example/token', client_id: 'alerts', client_secret: '***', scopes: [], expiry_margin_ms: 10000, parameters: {} },
          },
          client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000,
        },
      },
    },
  });
  assertNothingLeaks(run, ['clear-text-pw', 'static-token-value', ...Object.values(env)]);
});

test("a cluster's client from ${ENV} is shown, and a wrong one is quoted in the error: it names a library, not a secret", async () => {
  const file = await platformFile({ front: { brokers: ['${FRONT_BROKER}'], client: '${KAFKA_CLIENT}' } });
  const shown = await punchline(['config', 'show', '--config', file], { FRONT_BROKER: 'front-1:9092', KAFKA_CLIENT: 'platformatic' });
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(JSON5.parse<{ kafka: { clusters: { front: unknown } } }>(shown.stdout).kafka.clusters.front, {
    brokers: ['***'], client: 'platformatic', client_id: 'punchline', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000,
  });
  const wrong = await punchline(['config', 'show', '--config', file], { FRONT_BROKER: 'front-1:9092', KAFKA_CLIENT: 'kafka' });
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /\/kafka\/clusters\/front\/client/);
  assertNothingLeaks(wrong, ['front-1:9092']);
});

test('without a platform file, show says the built-in default is used', async () => {
  const run = await punchline(['config', 'show']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^\/\/ platform config: built-in default \(no platform\.json5 found and no --config or \$PUNCHLINE_CONFIG\)\n/);
  assert.deepEqual(JSON5.parse(run.stdout), { kafka: { clusters: { local: { brokers: ['127.0.0.1:9092'], client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000 } } } });
});

test('$PUNCHLINE_CONFIG names the file when --config is absent', async () => {
  const file = await platformFile({ front: { brokers: ['front-1:9092'] } });
  const run = await punchline(['config', 'show'], { PUNCHLINE_CONFIG: file });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.split('\n')[0], `// platform config: ${file}`);
  assert.match(run.stdout, /"front-1:9092"/);
});
