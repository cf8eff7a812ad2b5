/**
 * The node API: everything of the runtime that a node under `nodes/` may use, and the only module
 * of `src/runtime/` it may import (the lint enforces it). Besides this, nodes use `src/core/` (the
 * error catalogue, field values) and the libraries under `src/libraries/`.
 *
 * - the contract (`node-contract.ts`): tuples, outcomes, the three kinds of node and their
 *   lifecycles, the context a node is built with;
 * - helpers every node shares rather than rewrites: batching for outputs (`batching.ts`), tuples'
 *   time (`tuple-time.ts`), the compiled field layouts that keep emitted tuples cheap
 *   (`field-layouts.ts`), a throttled log for warnings that repeat per record (`throttled-log.ts`, one
 *   per node in `NodeContext.throttledLog`), metric families registered once per registry, and the
 *   JSON5 parser that locates JSON pointers and the `${ENV}` substitution of punchlines, for a node
 *   that reads config files of its own.
 */
export * from './node-contract.js';
export { batchOf, batchedWriter, wholeBatchWriter } from './batching.js';
export type { Batching, EarlyClose } from './batching.js';
export { ThrottledLog, THROTTLED_LOG_INTERVAL_MS } from './throttled-log.js';
export { registeredMetric } from '../core/registered-metric.js';
export { tupleTimeMs, tupleTimeNs } from './tuple-time.js';
export { compileExtension, perStream } from './field-layouts.js';
export type { PlatformConfig } from './config/platform-config.js';
export { parseJson5Document } from './validation/json5-document.js';
export { substituteEnvironment } from './config/env-substitution.js';
