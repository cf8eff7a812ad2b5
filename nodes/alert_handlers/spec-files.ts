/**
 * Reading the handler spec files an `alert_handlers` node names: YAML (`.yaml`, `.yml`; read as
 * YAML 1.1, as Kapacitor reads its handler files, so `mode: 0644` is octal) or JSON5 (`.json5`,
 * `.json`), one spec per file as `kapacitor define-topic-handler` takes them. `${NAME}` and
 * `${NAME:-default}` in their strings are replaced from the environment, as in punchlines. Every
 * problem is located in its file: `file:line:col  /json/pointer  message`, the way punchlines' are.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PunchlineError } from '../../src/core/errors.js';
import { parseJson5Document, substituteEnvironment } from '../../src/runtime/node-api.js';
import { checkHandlerSpec } from '../../src/libraries/alerting/index.js';
import type { HandlerSpec, SpecProblem } from '../../src/libraries/alerting/index.js';

/** A problem of a spec file, located: what `check` reports at the file's entry in `specs`. */
export interface LocatedProblem {
  /** Index of the file in `specs`. */
  readonly index: number;
  /** `file:line:col  /pointer  message`. */
  readonly message: string;
  readonly hint?: string;
}

interface SpecDocument {
  readonly value: unknown;
  locate(pointer: string): { line: number; column: number };
}

const tokensOf = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));

function yamlDocument(file: string, text: string): SpecDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false, uniqueKeys: true });
  const [syntax] = document.errors;
  if (syntax !== undefined) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw new PunchlineError('E_CONFIG_SYNTAX', `${file}:${line}:${col}  ${syntax.message.split('\n')[0] ?? ''}`, { context: { file, line, column: col } });
  }
  return {
    value: document.toJS() as unknown,
    locate(pointer) {
      const tokens: (string | number)[] = tokensOf(pointer).map((t) => (/^\d+$/.test(t) ? Number(t) : t));
      for (let n = tokens.length; n >= 0; n--) {
        const node: unknown = n === 0 ? document.contents : document.getIn(tokens.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
        if (range !== undefined) {
          const { line, col } = lineCounter.linePos(range[0]);
          return { line, column: col };
        }
      }
      return { line: 1, column: 1 };
    },
  };
}

/** Reads one spec file. Throws `E_FILE_IO` (cannot read it), `E_CONFIG_SYNTAX` (cannot parse it). */
function readSpecDocument(file: string): SpecDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PunchlineError('E_FILE_IO', `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error, hint: "a relative path is read from the punchline file's folder" });
  }
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return yamlDocument(file, text);
  if (extension === '.json5' || extension === '.json') return parseJson5Document(file, text);
  throw new PunchlineError('E_CONFIG_INVALID', `${file}: a handler spec is a .yaml, .yml, .json5 or .json file`);
}

/**
 * Reads and checks the spec files, in order: the specs when every file is valid, else the problems
 * of every file. Ids must be unique per topic across the files.
 */
export function loadHandlerSpecs(files: readonly string[]): { specs: HandlerSpec[]; problems: LocatedProblem[] } {
  const specs: HandlerSpec[] = [];
  const problems: LocatedProblem[] = [];
  const taken = new Set<string>();
  files.forEach((file, index) => {
    let document: SpecDocument;
    try {
      document = readSpecDocument(file);
    } catch (error) {
      if (!(error instanceof PunchlineError)) throw error;
      problems.push({ index, message: error.message, ...(error.hint !== undefined && { hint: error.hint }) });
      return;
    }
    const { value, unset } = substituteEnvironment(document.value);
    const checked = unset.length > 0 ? { problems: unset.map(({ pointer, name }) => ({ pointer, message: `environment variable ${name} is not set`, hint: `export ${name}=… or write \${${name}:-default}` })) } : checkHandlerSpec(value, taken);
    const locate = (problem: SpecProblem): LocatedProblem => {
      const { line, column } = document.locate(problem.pointer);
      return { index, message: `${file}:${line}:${column}  ${problem.pointer === '' ? '/' : problem.pointer}  ${problem.message}`, ...(problem.hint !== undefined && { hint: problem.hint }) };
    };
    problems.push(...checked.problems.map(locate));
    if ('spec' in checked && checked.spec !== undefined) {
      specs.push(checked.spec);
      taken.add(`${checked.spec.topic}/${checked.spec.id}`);
    }
  });
  return { specs, problems };
}
