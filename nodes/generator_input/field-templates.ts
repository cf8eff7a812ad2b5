/**
 * The templates of `generator_input` messages: `%{counter}`, `%{now}`, `%{now_iso}`,
 * `%{random:MIN:MAX}` (one decimal), `%{random_int:MIN:MAX}` and `%{cycle:A|B|C}` (picked by the
 * counter). Parsed once into closures; a value that is exactly one numeric placeholder yields a
 * number, any other template a string, and a literal number, boolean or null itself.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';

type Part = (counter: number, now: number) => string | number;

const PLACEHOLDER = /%\{([a-z_]+)(?::([^}]*))?\}/g;

/** Why a template could not be compiled, with the offending placeholder. */
export class TemplateSyntaxError extends Error {}

function numberArgs(name: string, args: string | undefined): [number, number] {
  const [min, max] = (args ?? '').split(':').map(Number);
  if (min === undefined || max === undefined || !Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new TemplateSyntaxError(`%{${name}:${args ?? ''}} needs two numbers MIN:MAX with MIN <= MAX`);
  }
  return [min, max];
}

function placeholder(name: string, args: string | undefined): Part {
  switch (name) {
    case 'counter':
      return (counter) => counter;
    case 'now':
      return (_counter, now) => now;
    case 'now_iso':
      return (_counter, now) => new Date(now).toISOString();
    case 'random': {
      const [min, max] = numberArgs(name, args);
      return () => Math.round((min + Math.random() * (max - min)) * 10) / 10;
    }
    case 'random_int': {
      const [min, max] = numberArgs(name, args);
      return () => min + Math.floor(Math.random() * (max - min + 1));
    }
    case 'cycle': {
      const choices = (args ?? '').split('|');
      return (counter) => choices[counter % choices.length] ?? '';
    }
    default:
      throw new TemplateSyntaxError(`unknown placeholder %{${name}} (known: counter, now, now_iso, random, random_int, cycle)`);
  }
}

/** Compiles one field template. */
export function compileFieldTemplate(template: string): (counter: number, now: number) => FieldValue {
  const parts: (string | Part)[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push(placeholder(match[1] as string, match[2]));
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  const [only] = parts;
  if (parts.length === 1 && typeof only === 'function') return only;
  if (parts.every((p) => typeof p === 'string')) return () => template;
  return (counter, now) => parts.map((p) => (typeof p === 'string' ? p : String(p(counter, now)))).join('');
}

/** A message field as written in the settings: a template, or a literal number, boolean or null. */
export type MessageValue = string | number | boolean | null;

/**
 * Compiles a message: every string field's template. A number, boolean or null is a literal that
 * keeps its type (`usage_idle: 7.5` gives the number 7.5), so a test or a demo can emit typed
 * fields without a placeholder; a string stays a string (`"7"` is text), as it is written.
 */
export function compileMessage(message: Readonly<Record<string, MessageValue>>): (counter: number, now: number) => Fields {
  const fields = Object.entries(message).map(([name, template]) => [name, typeof template === 'string' ? compileFieldTemplate(template) : () => template] as const);
  return (counter, now) => {
    const out: Record<string, FieldValue> = {};
    for (const [name, render] of fields) out[name] = render(counter, now);
    return out;
  };
}
