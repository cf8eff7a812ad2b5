// The layers of the project (docs/architecture.md), as ESLint configs of their own: eslint.config.js
// applies them, and test/architecture/layers_are_enforced_by_lint.test.ts lints wrong imports with
// them alone (no type information needed), so a pattern that stops matching fails a test.

/**
 * The layers (docs/architecture.md): an import against their arrows is a lint error. Each entry is
 * a regular expression on the import path, with the reason a reader sees.
 */
const forbidden = (regex, message) => ({ regex, message });
const NODE_FOLDER = forbidden('^\\.\\./(?!\\.\\.)[^/]+/', 'a node uses no other node: what two nodes share belongs in a library (src/libraries) or in the node API.');
export const layers = [
  {
    name: 'core',
    files: ['src/core/**'],
    patterns: [forbidden('^\\.\\./', 'src/core is the base of every layer: it imports nothing of the project outside itself.')],
  },
  {
    name: 'libraries',
    files: ['src/libraries/**'],
    patterns: [
      forbidden('(^|/)(runtime|cli|tools|test)/', 'a library knows no runtime, CLI, tool or test harness: it is read and tested alone, on src/core and other libraries.'),
      forbidden('(^|/)nodes/', 'a library knows no node: nodes use libraries, not the other way round.'),
    ],
  },
  {
    name: 'runtime',
    files: ['src/runtime/**'],
    patterns: [
      forbidden('(^|/)(cli|tools)/', 'the runtime knows no CLI and no tool: they sit on top of it, or beside it.'),
      forbidden('(^|/)nodes/', 'the runtime knows no node: the CLI hands it the catalogue (nodes/index.ts).'),
      forbidden('(^|/)libraries/(?!kafka/)', 'the runtime uses only the libraries it needs: the Kafka library, for the clusters of the platform config.'),
    ],
  },
  {
    name: 'tools',
    files: ['src/tools/**'],
    patterns: [forbidden('(^|/)(runtime|libraries|cli|test)/|(^|/)nodes/', 'a tool stands beside the runtime: it uses src/core only.')],
  },
  {
    name: 'nodes',
    files: ['nodes/*/**'],
    ignores: ['**/*.test.ts'],
    patterns: [
      forbidden('(^|/)src/(cli|tools)/|(^|/)test/', 'a node knows no CLI, tool or test harness.'),
      forbidden('(^|/)src/runtime/(?!node-api\\.js$)', 'a node sees the runtime through src/runtime/node-api.ts only.'),
      NODE_FOLDER,
    ],
  },
  {
    name: 'node tests',
    files: ['nodes/*/**/*.test.ts'],
    patterns: [NODE_FOLDER],
  },
];

/** The `layers` as flat ESLint configs: one `no-restricted-imports` rule per layer. */
export const layerConfigs = layers.map(({ name, files, ignores, patterns }) => ({
  name: `layer: ${name}`,
  files,
  ...(ignores && { ignores }),
  rules: { 'no-restricted-imports': ['error', { patterns }] },
}));
