/**
 * `file_input`'s own metrics, beside the standard node series: lines read, and lines that did not
 * decode by kind (each routed to `_ppf_errors`, or dropped and counted when the node does not
 * publish it). Registered once per registry; each node gets handles bound to its labels.
 */
import { Counter } from 'prom-client';
import { registeredMetric } from '../../src/runtime/node-api.js';
import type { NodeContext } from '../../src/runtime/node-api.js';
import type { DecodeErrorKind } from '../../src/libraries/codecs/decode-error.js';

const BASE_LABELS = ['tenant', 'channel', 'punchline', 'component'] as const;

export interface FileInputMetrics {
  /** Lines read (blank lines of JSON lines and lines that do not decode included). */
  readonly lines: { inc(): void };
  /** Lines that did not decode, by kind. */
  errors(kind: DecodeErrorKind): { inc(): void };
}

export function fileInputMetrics(ctx: NodeContext): FileInputMetrics {
  const registers = [ctx.metrics];
  const linesName = 'punchline_file_input_lines_total';
  const errorsName = 'punchline_file_input_decode_errors_total';
  const lines = registeredMetric(ctx.metrics, linesName, Counter, () => new Counter({ name: linesName, help: 'Lines read from files.', labelNames: [...BASE_LABELS], registers }));
  const errors = registeredMetric(ctx.metrics, errorsName, Counter, () =>
    new Counter({ name: errorsName, help: 'Lines that did not decode (invalid_json, invalid_utf8), routed to _ppf_errors or dropped when the node does not publish it.', labelNames: [...BASE_LABELS, 'kind'], registers }),
  );
  const bound = lines.labels(ctx.metricLabels);
  return { lines: bound, errors: (kind) => errors.labels({ ...ctx.metricLabels, kind }) };
}
