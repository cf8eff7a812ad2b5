/**
 * A lambda written in a node's settings, checked when the punchline is validated: a syntax or
 * typing error is an error at the setting's path; the classic quoting mistake (a double-quoted
 * name that is not a field) is a warning.
 */
import type { SettingsProblem } from '../../core/settings-problem.js';
import { PunchlineError } from '../../core/errors.js';
import { compileLambda, findQuotingMistakes } from './index.js';
import type { CompileLambdaOptions } from './index.js';

/** The setting a path names, as a user wrote it: `/settings/expressions/0/lambda` is `expressions[0].lambda`. */
function settingName(path: string): string {
  return path
    .replace(/^\/settings\//, '')
    .split('/')
    .map((token, index) => (/^\d+$/.test(token) ? `[${token}]` : index === 0 ? token : `.${token}`))
    .join('');
}

/** Problems of the lambda at `path` (relative to the node declaration). */
export function checkLambdaSetting(source: string, path: string, knownFields: Iterable<string>, options: CompileLambdaOptions = {}): SettingsProblem[] {
  try {
    const lambda = compileLambda(source, options);
    return findQuotingMistakes(lambda, knownFields).map((w) => ({ path, message: w.message, hint: w.hint, severity: 'warning' as const }));
  } catch (error) {
    if (!(error instanceof PunchlineError)) throw error;
    return [{ path, message: `the lambda in "${settingName(path)}" does not compile: ${error.message}`, ...(error.hint !== undefined && { hint: error.hint }), severity: 'error' }];
  }
}
