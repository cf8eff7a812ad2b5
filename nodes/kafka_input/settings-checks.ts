/**
 * What the schema of `kafka_input` cannot say, checked by `punchline validate` and before every run,
 * and the consumer group naming rules.
 */
import type { CheckScope, PunchlineIdentity, SettingsProblem } from '../../src/runtime/node-api.js';
import { dataStreams } from '../../src/runtime/node-api.js';
import { closestName } from '../../src/core/closest-name.js';
import { checkClusterReference } from '../../src/libraries/kafka/cluster-resolution.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import type { RecordCodecType } from '../../src/libraries/codecs/record-codecs.js';
import { checkHeaderFields } from './header-fields.js';
import { commitsOffsets } from './offset-strategies.js';
import type { KafkaInputSettings } from './settings.generated.js';

/** Reserved fields of Punch's deprecated batch mode, which this node does not implement. */
const BATCH_MODE_FIELDS = ['_ppf_batch_id', '_ppf_batch_play_id'];

/**
 * Every `_ppf_*` field this node sets (README, "Reserved fields"; the error ones on `_ppf_errors`).
 * A published `_ppf_*` name outside this list would be null on every tuple, so it is an error.
 */
export const RESERVED_FIELDS: readonly string[] = ['_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp', '_ppf_error_message', '_ppf_error_document'];

/** `did you mean …?` for a `_ppf_*` name: a typo, or a word of a reserved name (`_ppf_offset`), else the list. */
function suggestReservedField(field: string): string {
  const close = closestName(field, RESERVED_FIELDS);
  const word = field.slice('_ppf_'.length);
  const sharing = close !== undefined ? [close] : RESERVED_FIELDS.filter((name) => name.slice('_ppf_'.length).split('_').includes(word));
  if (sharing.length > 0) return `did you mean ${sharing.map((name) => `"${name}"`).join(' or ')}?`;
  return `the reserved fields are ${RESERVED_FIELDS.join(', ')}`;
}

/** The group named in the settings: `group.id`, or its deprecated alias `group_name`. */
/** Whether a codec's records are maps (it spreads them): their members become fields, and JSON pointers reach into them. */
function givesMaps(type: RecordCodecType): boolean {
  return recordCodec(type).spread !== undefined;
}

export function configuredGroupId(settings: KafkaInputSettings): string | undefined {
  return settings['group.id'] ?? settings.group_name;
}

/** Punch's default group: `<tenant>-<channel>-<punchline>-<component>`, one per node of each punchline. */
export function defaultGroupId(identity: PunchlineIdentity, component: string): string {
  return `${identity.tenant}-${identity.channel}-${identity.name}-${component}`;
}

/**
 * The group the consumer joins. `last_committed` uses the configured or default group. The other
 * strategies commit nothing and must not cooperate with anyone outside this run, so they join a
 * group of their own: the same name with `-ephemeral-<run nonce>` appended (readable in
 * `kafka-consumer-groups --list`, gone once the run ends).
 */
export function consumerGroupId(settings: KafkaInputSettings, identity: PunchlineIdentity, component: string, runNonce: string): string {
  const base = configuredGroupId(settings) ?? defaultGroupId(identity, component);
  return commitsOffsets(settings.start_offset_strategy) ? base : `${base}-ephemeral-${runNonce}`;
}

/** The semantic checks of a `kafka_input` declaration. */
export function checkKafkaInput(settings: KafkaInputSettings, scope: CheckScope): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const error = (path: string, message: string, hint?: string): void => {
    problems.push({ path, message, severity: 'error', ...(hint !== undefined && { hint }) });
  };
  const warning = (path: string, message: string, hint?: string): void => {
    problems.push({ path, message, severity: 'warning', ...(hint !== undefined && { hint }) });
  };

  problems.push(...checkClusterReference({ clusterId: settings.brokers, bootstrapServers: settings['bootstrap.servers'], path: '/settings/brokers' }, scope.platform));

  const strategy = settings.start_offset_strategy;
  if (strategy === 'from_offset' && settings.offset === undefined) error('/settings/start_offset_strategy', 'start_offset_strategy "from_offset" needs an `offset`', 'add `offset: <n>`');
  if (strategy === 'from_datetime' && settings.from_datetime === undefined) {
    error('/settings/start_offset_strategy', 'start_offset_strategy "from_datetime" needs a `from_datetime`', 'add `from_datetime: "2024-05-01T00:00:00Z"`');
  }
  if (settings.offset !== undefined && strategy !== 'from_offset') warning('/settings/offset', `offset is ignored with start_offset_strategy "${strategy}"`, 'use start_offset_strategy "from_offset"');
  if (settings.from_datetime !== undefined && strategy !== 'from_datetime') {
    warning('/settings/from_datetime', `from_datetime is ignored with start_offset_strategy "${strategy}"`, 'use start_offset_strategy "from_datetime"');
  }

  if (settings.group_name !== undefined) {
    if (settings['group.id'] !== undefined && settings['group.id'] !== settings.group_name) {
      error('/settings/group_name', `group_name "${settings.group_name}" contradicts group.id "${settings['group.id']}"`, 'keep only group.id');
    } else {
      warning('/settings/group_name', 'group_name is deprecated', 'rename it to "group.id"');
    }
  }
  if (configuredGroupId(settings) !== undefined && !commitsOffsets(strategy)) {
    warning(
      settings['group.id'] !== undefined ? '/settings/group.id' : '/settings/group_name',
      `with start_offset_strategy "${strategy}" the node commits nothing and joins a group of its own for each run: it does not cooperate with the other members of this group`,
      'use start_offset_strategy "last_committed" to share the group',
    );
  }

  if (settings.load_control === 'rate' && settings.load_control_records_per_second === undefined) {
    error('/settings/load_control', 'load_control "rate" needs `load_control_records_per_second`');
  }
  if (settings.load_control !== 'rate' && settings.load_control_records_per_second !== undefined) {
    warning('/settings/load_control_records_per_second', `load_control_records_per_second is ignored with load_control "${settings.load_control}"`, 'set load_control to "rate"');
  }

  problems.push(...checkHeaderFields(settings.headers_fields, '/settings/headers_fields'));
  const published = new Set(dataStreams(scope.publish).flatMap((p) => p.fields));
  settings.headers_fields.forEach((entry, index) => {
    if (!published.has(entry.field)) {
      error(`/settings/headers_fields/${index}/field`, `header field "${entry.field}" is not published: its value would never reach a tuple`, `add "${entry.field}" to the fields of a publish stream`);
    }
  });

  scope.publish.forEach((declaration, streamIndex) => {
    declaration.fields.forEach((field, fieldIndex) => {
      if (BATCH_MODE_FIELDS.includes(field)) {
        error(`/publish/${streamIndex}/fields/${fieldIndex}`, `${field} belongs to Punch's deprecated batch mode, which kafka_input does not implement`, 'remove it; use an idempotent output keyed on _ppf_partition_id and _ppf_partition_offset instead');
      } else if (field.startsWith('_ppf_') && !RESERVED_FIELDS.includes(field)) {
        error(`/publish/${streamIndex}/fields/${fieldIndex}`, `kafka_input sets no reserved field "${field}": it would be null on every tuple`, suggestReservedField(field));
      }
    });
  });
  // A codec of maps gives a record's members as fields, `key` among them maybe; a codec of one plain value does not.
  if (settings.key_codec === undefined && !givesMaps(settings.value_codec.type) && published.has('key')) {
    warning('/settings', 'the field "key" is published but there is no key_codec: record keys are not read', 'add `key_codec: { type: "string" }`');
  }
  for (const [setting, codec] of [['value_codec', settings.value_codec], ['key_codec', settings.key_codec]] as const) {
    if (codec !== undefined && !givesMaps(codec.type) && Object.keys(codec.fields).length > 0) {
      error(`/settings/${setting}/fields`, `the ${codec.type} codec gives one plain value, there is nothing to point into`, 'use fields with the lumberjack, json, influx or telegraf_json codec');
    }
  }
  return problems;
}
