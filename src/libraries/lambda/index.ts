/**
 * The lambda language of punchline: Kapacitor's TICKscript lambda expressions, compiled once into
 * closures and evaluated per tuple by the `filter`, `eval` and `alert` bolts.
 * See docs/lambda-language.md for the user documentation.
 */
export { compileLambda, CompiledLambda, type CompileLambdaOptions, type LambdaResult, type LambdaResultType, type LambdaState } from './compiled-lambda.js';
export type { FieldReference } from './compiler.js';
export { LambdaEvaluationError, type LambdaFailure } from './lambda-errors.js';
export { findQuotingMistakes, type LambdaWarning } from './quoting-lint.js';
export type { LambdaNode, BinaryOperator } from './ast.js';
export type { SourcePosition } from './source-position.js';
export { parseLambda } from './parser.js';
