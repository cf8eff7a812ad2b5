/**
 * The alert engine behind the `alert` bolt: Kapacitor's alert state machine (levels, resets,
 * history, flapping, state changes only, recoveries, durations, previous level), the event built
 * from id/message/details templates, and its byte-exact Kapacitor JSON.
 */
export type { AlertGroupSnapshot } from './group-state.js';
export { AlertEngine, DEFAULT_HISTORY, type AlertBatch, type AlertBatchPoint, type AlertEngineOptions, type AlertPoint } from './alert-engine.js';
export { decodeAlertEvent, encodeAlertEvent, encodeAlertEventRecord, type AlertEvent, type AlertEventSeries } from './alert-event.js';
export { LEVELS, levelOfRank, levelRank, type AlertLevel } from './alert-levels.js';
export {
  compileAlertTemplates,
  DEFAULT_DETAILS_TEMPLATE,
  DEFAULT_ID_TEMPLATE,
  DEFAULT_MESSAGE_TEMPLATE,
  type AlertServerInfo,
  type AlertTemplates,
  type AlertTemplateSources,
} from './alert-templates.js';
export type { LambdaFailureListener, LevelLambdaRole, LevelLambdas } from './level-choice.js';
/** Converts epoch milliseconds (fractions allowed) to the bigint nanoseconds of {@link AlertPoint.time}. */
export { alertTemplateData } from './alert-data.js';
export { InhibitorLookup, type InhibitSpec } from './inhibitors.js';
export { compileHandlerMatch, type HandlerMatch, type MatchedEvent } from './handler-match.js';
export {
  checkHandlerSpec,
  HANDLER_KINDS,
  type ExecOptions,
  type HandlerKind,
  type HandlerSpec,
  type KafkaOptions,
  type LogOptions,
  type PostOptions,
  type SpecProblem,
  type TcpOptions,
} from './handler-specs.js';
