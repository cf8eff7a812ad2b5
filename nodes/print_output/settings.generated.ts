/* Generated from schemas/nodes/print_output.schema.json by `npm run gen`: do not edit. */

/**
 * Writes each tuple's fields as a JSON line on stdout.
 */
export interface PrintOutputSettings {
  /**
   * Longest time a tuple waits in the write buffer.
   */
  flush_interval_ms: number;
  /**
   * Tuples written per write call at most.
   */
  max_batch_size: number;
}
