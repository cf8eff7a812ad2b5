/**
 * The broker version `config check` prints is inferred from the ApiVersions answer (see
 * src/libraries/kafka/broker-version.ts). These answers were captured from real brokers of the harness
 * (`startKafkaCluster({ version })`, ApiVersions v0 on the PLAINTEXT listener); each must give
 * the newest release its protocol shows, and never a newer one than the broker is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiVersionRange } from '../../src/libraries/kafka/api-versions-probe.js';
import { describeBrokerVersion, inferBrokerVersion } from '../../src/libraries/kafka/broker-version.js';

/** `key:min-max` pairs as captured. */
function parse(apis: string): Map<number, ApiVersionRange> {
  return new Map(apis.split(' ').map((pair) => {
    const [key = '', range = ''] = pair.split(':');
    const [minVersion = '', maxVersion = ''] = range.split('-');
    return [Number(key), { minVersion: Number(minVersion), maxVersion: Number(maxVersion) }];
  }));
}

const CAPTURED = [
  { kafka: '3.5.2', atLeast: '3.0', apis: '0:0-9 1:0-15 2:0-8 3:0-12 8:0-8 9:0-8 10:0-4 11:0-9 12:0-4 13:0-5 14:0-5 15:0-5 16:0-4 17:0-1 18:0-3 19:0-7 20:0-6 21:0-2 22:0-4 23:0-4 24:0-3 25:0-3 26:0-3 27:0-1 28:0-3 29:0-3 30:0-3 31:0-3 32:0-4 33:0-2 34:0-2 35:0-4 36:0-2 37:0-3 42:0-2 43:0-2 44:0-1 45:0-0 46:0-0 47:0-0 48:0-1 49:0-1 50:0-0 51:0-0 55:0-1 57:0-1 60:0-0 61:0-0 64:0-0 65:0-0 66:0-0' },
  { kafka: '3.7.2', atLeast: '3.7', apis: '0:0-10 1:0-16 2:0-8 3:0-12 8:0-9 9:0-9 10:0-4 11:0-9 12:0-4 13:0-5 14:0-5 15:0-5 16:0-4 17:0-1 18:0-3 19:0-7 20:0-6 21:0-2 22:0-4 23:0-4 24:0-4 25:0-3 26:0-3 27:0-1 28:0-3 29:0-3 30:0-3 31:0-3 32:0-4 33:0-2 34:0-2 35:0-4 36:0-2 37:0-3 38:0-3 39:0-2 40:0-2 41:0-3 42:0-2 43:0-2 44:0-1 45:0-0 46:0-0 47:0-0 48:0-1 49:0-1 50:0-0 51:0-0 55:0-1 57:0-1 60:0-1 61:0-0 64:0-0 65:0-0 66:0-0 68:0-0 74:0-0' },
  { kafka: '3.8.1', atLeast: '3.8', apis: '0:0-11 1:0-16 2:0-8 3:0-12 8:0-9 9:0-9 10:0-5 11:0-9 12:0-4 13:0-5 14:0-5 15:0-5 16:0-5 17:0-1 18:0-3 19:0-7 20:0-6 21:0-2 22:0-5 23:0-4 24:0-5 25:0-4 26:0-4 27:0-1 28:0-4 29:0-3 30:0-3 31:0-3 32:0-4 33:0-2 34:0-2 35:0-4 36:0-2 37:0-3 38:0-3 39:0-2 40:0-2 41:0-3 42:0-2 43:0-2 44:0-1 45:0-0 46:0-0 47:0-0 48:0-1 49:0-1 50:0-0 51:0-0 55:0-1 57:0-1 60:0-1 61:0-0 64:0-0 65:0-0 66:0-1 68:0-0 69:0-0 74:0-0 75:0-0' },
  { kafka: '3.9.1', atLeast: '3.9', apis: '0:0-11 1:0-17 2:0-9 3:0-12 8:0-9 9:0-9 10:0-6 11:0-9 12:0-4 13:0-5 14:0-5 15:0-5 16:0-5 17:0-1 18:0-4 19:0-7 20:0-6 21:0-2 22:0-5 23:0-4 24:0-5 25:0-4 26:0-4 27:0-1 28:0-4 29:0-3 30:0-3 31:0-3 32:0-4 33:0-2 34:0-2 35:0-4 36:0-2 37:0-3 38:0-3 39:0-2 40:0-2 41:0-3 42:0-2 43:0-2 44:0-1 45:0-0 46:0-0 47:0-0 48:0-1 49:0-1 50:0-0 51:0-0 55:0-2 57:0-1 60:0-1 61:0-0 64:0-0 65:0-0 66:0-1 68:0-0 69:0-0 74:0-0 75:0-0 80:0-0 81:0-0' },
  { kafka: '4.1.2', atLeast: '4.0', apis: '0:0-13 1:4-18 2:1-10 3:0-13 8:2-9 9:1-9 10:0-6 11:0-9 12:0-4 13:0-5 14:0-5 15:0-6 16:0-5 17:0-1 18:0-4 19:2-7 20:1-6 21:0-2 22:0-5 23:2-4 24:0-5 25:0-4 26:0-5 27:1-1 28:0-5 29:1-3 30:1-3 31:1-3 32:1-4 33:0-2 34:1-2 35:1-4 36:0-2 37:0-3 38:1-3 39:1-2 40:1-2 41:1-3 42:0-2 43:0-2 44:0-1 45:0-1 46:0-0 47:0-0 48:0-1 49:0-1 50:0-0 51:0-0 55:0-2 57:0-2 60:0-2 61:0-0 64:0-0 65:0-0 66:0-2 68:0-1 69:0-1 74:0-1 75:0-0 76:1-1 77:1-1 78:1-1 79:1-1 80:0-0 81:0-0 83:0-0 84:0-0 85:0-0 86:0-0 87:0-0 90:0-0 91:0-0 92:0-0' },
] as const;

for (const { kafka, atLeast, apis } of CAPTURED) {
  test(`Kafka ${kafka} is reported as ${atLeast} or later`, () => {
    const inferred = inferBrokerVersion(parse(apis));
    assert.equal(inferred.atLeast, atLeast);
    assert.match(describeBrokerVersion(inferred), new RegExp(`^Kafka >= ${atLeast.replace('.', '\\.')} \\(inferred from ApiVersions: .+\\)$`));
  });
}

test('a broker showing none of the markers is called older than 0.11, still labelled as inferred', () => {
  assert.equal(describeBrokerVersion(inferBrokerVersion(parse('0:0-2 1:0-3 18:0-0'))), 'Kafka older than 0.11 (inferred: shows none of the protocol changes since 0.11)');
});
