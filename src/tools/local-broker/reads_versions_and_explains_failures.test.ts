/**
 * The pure parts of the broker lifecycle: which java and Kafka versions are accepted, and which
 * log lines an error message quotes when a start fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJavaMajor } from './prerequisites.js';
import { parseKafkaVersion } from './kafka-version.js';
import { explainingLines } from './log-excerpt.js';
import { PunchlineError } from '../../core/errors.js';

test('the java feature release is read from `java -version` output of old and new JDKs', () => {
  const cases: [string, number | undefined][] = [
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8],
    ['openjdk version "11.0.22" 2024-01-16 LTS', 11],
    ['Error: could not find libjava.so', undefined],
  ];
  for (const [output, major] of cases) assert.equal(parseJavaMajor(output), major, output);
});

test('kafka versions must be exact releases from 3.5 on', () => {
  assert.deepEqual(parseKafkaVersion('4.1.2'), { text: '4.1.2', major: 4, minor: 1, patch: 2 });
  assert.equal(parseKafkaVersion(' 3.9.1 ').text, '3.9.1');
  for (const bad of ['4.1', '4.1.x', 'latest', '3.4.1', '2.8.2']) {
    assert.throws(() => parseKafkaVersion(bad), (error: unknown) => error instanceof PunchlineError && error.code === 'E_USAGE', bad);
  }
});

test('a failure excerpt quotes the error and exception lines, not the startup chatter', () => {
  const log = [
    '[2026-01-01 00:00:00,000] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)',
    '[2026-01-01 00:00:01,000] INFO Starting controller (kafka.server.ControllerServer)',
    '[2026-01-01 00:00:02,000] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)',
    'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9092: Address already in use.',
    '\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:734)',
    'Caused by: java.net.BindException: Address already in use',
  ].join('\n');
  assert.deepEqual(explainingLines(log), [
    '[2026-01-01 00:00:02,000] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)',
    'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9092: Address already in use.',
    'Caused by: java.net.BindException: Address already in use',
  ]);
  assert.deepEqual(explainingLines('line one\nline two\nline three', 2), ['line two', 'line three'], 'without telling lines, the last ones');
});
