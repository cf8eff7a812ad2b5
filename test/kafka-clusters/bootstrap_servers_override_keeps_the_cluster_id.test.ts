/**
 * A node may override a cluster's addresses with Punch's `bootstrap.servers` (comma-separated):
 * the declaration's TLS and SASL settings still apply and the cluster id stays the label (of
 * metrics, logs and errors). Unknown ids and malformed server lists are refused when the
 * punchline is validated, naming the declared clusters. The connections are made with the client
 * library PUNCHLINE_TEST_KAFKA_CLIENT names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { PunchlineError } from '../../src/core/errors.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { checkClusterReference, resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { checkClusterConnection } from '../../src/libraries/kafka/connection-check.js';
import { createLogger } from '../../src/runtime/logging.js';
import { testKafkaClient } from '../support/kafka.js';
import { securedBroker, security, userOf } from './support.js';

const broker = await securedBroker();
const user = userOf(broker, 'PLAIN');
const platform: PlatformConfig = {
  file: '/etc/punchline/platform.json5',
  kafka: {
    clusters: {
      events: {
        // Addresses this host cannot use; the node gives the ones it can.
        ...withClusterDefaults({ brokers: ['kafka-internal-1:9093', 'kafka-internal-2:9093'] }),
        client: testKafkaClient(),
        tls: { enabled: true, insecure_skip_verify: false, ca_file: security(broker).caPath },
        sasl: { mechanism: 'PLAIN', username: user.username, password: user.password },
      },
      metrics: withClusterDefaults({ brokers: ['kafka-metrics:9092'] }),
    },
  },
};

test('bootstrap.servers replaces the addresses only: the SASL_SSL login works and the id stays', async () => {
  const servers = security(broker).saslSslBootstrapServers.map((address) => ` ${address} `).join(',');
  const cluster = resolveCluster({ clusterId: 'events', bootstrapServers: servers, path: '/settings/brokers' }, platform);
  assert.equal(cluster.id, 'events');
  assert.deepEqual(cluster.config.brokers, [...security(broker).saslSslBootstrapServers]);
  const report = await checkClusterConnection(cluster, createLogger({ level: 'silent' }));
  assert.equal(report.error, undefined, report.error?.describe());
  assert.equal(report.authenticated, true);
  assert.equal(report.brokerCount, 1);
});

test('errors after an override name the cluster id and the addresses actually dialled', async () => {
  const cluster = resolveCluster({ clusterId: 'events', bootstrapServers: '127.0.0.1:1', path: '/settings/brokers' }, platform);
  const report = await checkClusterConnection(cluster, createLogger({ level: 'silent' }));
  assert.match(report.error?.message ?? '', /^kafka cluster "events": connecting: no broker answered at 127\.0\.0\.1:1: connection refused by 127\.0\.0\.1:1/);
});

test('validation names the declared clusters for an unknown id, and refuses malformed servers', () => {
  assert.deepEqual(checkClusterReference({ clusterId: 'evnts', path: '/settings/brokers' }, platform), [{
    path: '/settings/brokers',
    message: 'unknown Kafka cluster "evnts" (declared in /etc/punchline/platform.json5: events, metrics)',
    hint: 'did you mean "events"?',
    severity: 'error',
  }]);
  assert.deepEqual(checkClusterReference({ clusterId: 'events', bootstrapServers: 'kafka-1:9093,kafka-2', path: '/settings/bootstrap.servers' }, platform), [{
    path: '/settings/bootstrap.servers',
    message: 'bootstrap.servers must be host:port[,host:port…], not "kafka-2"',
    severity: 'error',
  }]);
  assert.deepEqual(checkClusterReference({ clusterId: 'events', bootstrapServers: 'kafka-1:9093, kafka-2:9093', path: '/settings/brokers' }, platform), []);
});

test('resolving an unknown id throws E_UNKNOWN_CLUSTER with the same message', () => {
  assert.throws(() => resolveCluster({ clusterId: 'logs', path: '/settings/brokers' }, platform), (error: unknown) => {
    assert.ok(error instanceof PunchlineError);
    assert.equal(error.code, 'E_UNKNOWN_CLUSTER');
    assert.equal(error.describe(), 'unknown Kafka cluster "logs" (declared in /etc/punchline/platform.json5: events, metrics) (use one of those ids, or declare the cluster under kafka.clusters)');
    return true;
  });
});

test('bootstrap.servers alone makes an anonymous cluster "bootstrap" with the schema defaults', () => {
  const cluster = resolveCluster({ bootstrapServers: 'a:9092,b:9092', path: '/settings/bootstrap.servers' }, platform);
  assert.deepEqual({ id: cluster.id, config: cluster.config }, { id: 'bootstrap', config: { brokers: ['a:9092', 'b:9092'], client_id: 'punchline', client: 'kafkajs', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000 } });
});
