/**
 * `punchline validate` on `kafka_input` declarations (no broker): each mistake is reported at its
 * JSON path with a message naming it; deprecated or ignored settings are warnings; a correct
 * declaration gets its schema defaults.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import type { ValidationResult } from '../../src/runtime/config/load-punchline.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';

function validate(settings: string, fields = '["id"]', extraStreams = ''): ValidationResult {
  const text = `{
    version: "1", type: "punchline",
    dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "local", topic: "t", ${settings} },
        publish: [{ stream: "logs", fields: ${fields} }${extraStreams}] },
      { type: "print_output", subscribe: [{ component: "input", stream: "logs" }] },
    ],
  }`;
  return validatePunchlineDocument(parseJson5Document('/p/acme/ops/p.json5', text), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
}

const cases: { mistake: string; settings: string; fields?: string; severity: 'error' | 'warning'; path: string; message: RegExp }[] = [
  {
    mistake: 'a header field that is not published',
    settings: 'headers_fields: [{ header: "h", field: "from_header", type: "string" }]',
    severity: 'error',
    path: '/dag/0/settings/headers_fields/0/field',
    message: /header field "from_header" is not published/,
  },
  { mistake: 'an unknown header encoding', settings: 'headers_fields: [{ header: "h", field: "id", type: "string", encoding: "KLINGON" }]', severity: 'error', path: '/dag/0/settings/headers_fields/0/encoding', message: /unknown text encoding "KLINGON"/ },
  { mistake: 'from_offset without offset', settings: 'start_offset_strategy: "from_offset"', severity: 'error', path: '/dag/0/settings/start_offset_strategy', message: /needs an `offset`/ },
  { mistake: 'from_datetime without a date', settings: 'start_offset_strategy: "from_datetime"', severity: 'error', path: '/dag/0/settings/start_offset_strategy', message: /needs a `from_datetime`/ },
  { mistake: 'a date without a time zone', settings: 'start_offset_strategy: "from_datetime", from_datetime: "2024-01-01 10:00"', severity: 'error', path: '/dag/0/settings/from_datetime', message: /date-time/ },
  { mistake: 'an offset with another strategy', settings: 'offset: 3', severity: 'warning', path: '/dag/0/settings/offset', message: /offset is ignored with start_offset_strategy "last_committed"/ },
  { mistake: 'the deprecated group_name', settings: 'group_name: "g"', severity: 'warning', path: '/dag/0/settings/group_name', message: /group_name is deprecated/ },
  { mistake: 'group_name contradicting group.id', settings: '"group.id": "g1", group_name: "g2"', severity: 'error', path: '/dag/0/settings/group_name', message: /contradicts group.id "g1"/ },
  { mistake: 'a group with a strategy that commits nothing', settings: '"group.id": "g", start_offset_strategy: "earliest"', severity: 'warning', path: '/dag/0/settings/group.id', message: /does not cooperate/ },
  { mistake: 'an unknown cluster', settings: 'brokers: "front"', severity: 'error', path: '/dag/0/settings/brokers', message: /unknown Kafka cluster "front"/ },
  { mistake: 'rate load control without a rate', settings: 'load_control: "rate"', severity: 'error', path: '/dag/0/settings/load_control', message: /needs `load_control_records_per_second`/ },
  { mistake: 'a misspelt setting', settings: 'smart_replays: false', severity: 'error', path: '/dag/0/settings/smart_replays', message: /unknown setting "smart_replays"/ },
  { mistake: 'an unknown codec', settings: 'value_codec: { type: "avro" }', severity: 'error', path: '/dag/0/settings/value_codec/type', message: /must be one of/ },
  { mistake: 'a codec pointer that is not a JSON pointer', settings: 'value_codec: { type: "json", fields: { host: "tags/host" } }', severity: 'error', path: '/dag/0/settings/value_codec/fields/host', message: /must match pattern/ },
  { mistake: 'a misspelt codec precision', settings: 'value_codec: { type: "influx", precision: "n" }', severity: 'error', path: '/dag/0/settings/value_codec/precision', message: /must be one of/ },
  { mistake: 'a pointer into a codec of one plain value', settings: 'value_codec: { type: "string", fields: { host: "/host" } }', severity: 'error', path: '/dag/0/settings/value_codec/fields', message: /the string codec gives one plain value, there is nothing to point into/ },
  { mistake: 'a published key without key_codec, with a plain value', settings: 'value_codec: { type: "string" }', fields: '["value", "key"]', severity: 'warning', path: '/dag/0/settings', message: /"key" is published but there is no key_codec/ },
  { mistake: 'a batch mode field (not implemented)', settings: '', fields: '["id", "_ppf_batch_id"]', severity: 'error', path: '/dag/0/publish/0/fields/1', message: /batch mode, which kafka_input does not implement/ },
];

describe('kafka_input validation', () => {
  for (const { mistake, settings, fields, severity, path, message } of cases) {
    it(`reports ${mistake}`, () => {
      const { diagnostics } = validate(settings, fields);
      const found = diagnostics.find((d) => d.path === path && message.test(d.message));
      assert.ok(found, `expected ${severity} at ${path} matching ${String(message)}, got:\n${diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`).join('\n')}`);
      assert.equal(found.severity, severity);
    });
  }

  it('takes a published "key" for a member of the record when the value codec gives maps', () => {
    const { diagnostics } = validate('value_codec: { type: "json" }', '["id", "key"]');
    assert.deepEqual(diagnostics.filter((d) => d.message.includes('key_codec')), []);
  });

  it('accepts a header field published on any stream but _ppf_errors', () => {
    const { diagnostics } = validate('headers_fields: [{ header: "h", field: "from_header", type: "string" }]', '["id"]', ', { stream: "other", fields: ["from_header"] }');
    assert.equal(diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(diagnostics));
  });

  it('fills the documented defaults of a minimal declaration', () => {
    const { punchline, diagnostics } = validate('');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(punchline?.nodes[0]?.settings, {
      brokers: 'local',
      topic: 't',
      start_offset_strategy: 'last_committed',
      from_datetime_timeout_ms: 10000,
      auto_commit_interval: 10000,
      fail_action: 'none',
      smart_replay: true,
      load_control: 'none',
      value_codec: { type: 'lumberjack', multiple_frames: 'error', fields: {}, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' },
      on_null_value: 'dead_letter',
      headers_fields: [],
      session_timeout_ms: 30000,
    });
  });
});
