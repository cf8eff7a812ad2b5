/* Generated from schemas/nodes/alert_handlers.schema.json by `npm run gen`: do not edit. */

/**
 * Kapacitor's topic handlers: the alert events it receives go to every handler spec of their topic whose match rule passes; a tuple is acked once every matched handler confirmed.
 */
export interface AlertHandlersSettings {
  /**
   * The handler spec files (`.yaml`, `.yml`, `.json5`, `.json`), one spec each, in Kapacitor's shape (`id`, `topic`, `kind`, `options`, `match`); a relative path is read from the punchline file's folder.
   *
   * @minItems 1
   */
  specs: string[];
  /**
   * The field holding the event's Kapacitor JSON (the alert bolt's `event_field`).
   */
  event_field: string;
}
