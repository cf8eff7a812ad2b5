/* Generated from schemas/nodes/generator_input.schema.json by `npm run gen`: do not edit. */

/**
 * Emits tuples made from templates, for tests, demos and load injection.
 */
export interface GeneratorInputSettings {
  /**
   * Field templates, used in turn (or picked at random with `weights`). A string value is a template where %{counter}, %{now}, %{now_iso}, %{random:MIN:MAX}, %{random_int:MIN:MAX} and %{cycle:A|B|C} are replaced; a value that is exactly one numeric placeholder gives a number. A number, boolean or null is emitted as it is, typed.
   *
   * @minItems 1
   */
  messages: {
    [k: string]: string | number | boolean | null;
  }[];
  /**
   * Pick each tuple's message at random with these relative weights (one per message) instead of in turn: `[97, 3]` makes the second message rare.
   */
  weights?: number[];
  /**
   * Emission rate; 0 emits as fast as acks allow.
   */
  messages_per_second: number;
  /**
   * How many tuples to emit; without it, forever.
   */
  count?: number;
  /**
   * Once `count` tuples are emitted and every one is acked or failed, end the punchline (exit 0).
   */
  end_when_acked: boolean;
  /**
   * Field set to the tuple's sequence number (0-based), used in logs of failed tuples.
   */
  id_field: string;
}
