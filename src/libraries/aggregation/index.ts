/**
 * Kapacitor's aggregations over the points of a window (`count`, `percentile`, `derivative`…),
 * free of tuples and RxJS: give it the points and what to compute, it returns what Kapacitor's
 * InfluxQL nodes would emit, with Kapacitor's result types.
 */
export { aggregate, carriesPointFields, givesBatch, type AggregateFunction, type AggregationResult, type AggregationSpec, type ResultPoint } from './aggregate-functions.js';
export type { ValueKind, WindowPoint } from './point-values.js';
