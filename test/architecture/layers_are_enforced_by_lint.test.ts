/**
 * The layers of docs/architecture.md hold because ESLint refuses an import against their arrows.
 * This lints deliberately wrong imports, one per forbidden direction, with the layer configs of
 * eslint.layers.js alone (the same objects eslint.config.js applies), and checks that each is
 * reported with the reason a reader sees, that the imports the layers allow pass, and that the
 * tree as it is has no layer violation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = resolve(import.meta.dirname, '../..');
const RULE = 'no-restricted-imports';

/** eslint.layers.js has no type declarations: import it by URL and say what it exports. */
const { layerConfigs } = (await import(pathToFileURL(join(ROOT, 'eslint.layers.js')).href)) as { layerConfigs: Linter.Config[] };

/** ESLint with the layer rules only: no type information, so it lints the whole tree in seconds. */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  // An `eslint-disable` comment in the tree cannot hide a layer violation from this test.
  allowInlineConfig: false,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerConfigs],
});

/** The layer messages of linting `code` as if it were the file at `filePath` (relative to the repo). */
async function layerMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  assert.ok(result, `a lint result for ${filePath}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${filePath} parses`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const WRONG: readonly { arrow: string; file: string; from: string; reason: RegExp }[] = [
  { arrow: 'library → runtime', file: 'src/libraries/lambda/wrong.ts', from: '../../runtime/node-api.js', reason: /a library knows no runtime, CLI, tool or test harness/ },
  { arrow: 'library → node', file: 'src/libraries/lambda/wrong.ts', from: '../../../nodes/eval/eval.js', reason: /a library knows no node/ },
  { arrow: 'library → test harness', file: 'src/libraries/codecs/wrong.ts', from: '../../../test/support/cli.js', reason: /a library knows no runtime, CLI, tool or test harness/ },
  { arrow: 'runtime → node', file: 'src/runtime/wrong.ts', from: '../../nodes/index.js', reason: /the runtime knows no node/ },
  { arrow: 'runtime → cli', file: 'src/runtime/wrong.ts', from: '../cli/run-command.js', reason: /the runtime knows no CLI and no tool/ },
  { arrow: 'runtime → tools', file: 'src/runtime/config/wrong.ts', from: '../../tools/local-broker/index.js', reason: /the runtime knows no CLI and no tool/ },
  { arrow: 'runtime → a library other than kafka', file: 'src/runtime/wrong.ts', from: '../libraries/lambda/compiler.js', reason: /the runtime uses only the libraries it needs/ },
  { arrow: 'node → runtime internal', file: 'nodes/eval/wrong.ts', from: '../../src/runtime/topology.js', reason: /a node sees the runtime through src\/runtime\/node-api\.ts only/ },
  { arrow: 'node → runtime internal, by a name that starts like node-api', file: 'nodes/eval/wrong.ts', from: '../../src/runtime/node-api.js.bak', reason: /a node sees the runtime through src\/runtime\/node-api\.ts only/ },
  { arrow: 'node → another node', file: 'nodes/eval/wrong.ts', from: '../filter/filter.js', reason: /a node uses no other node/ },
  { arrow: 'node test → another node', file: 'nodes/eval/wrong.test.ts', from: '../filter/filter.js', reason: /a node uses no other node/ },
  { arrow: 'node → tools', file: 'nodes/kafka_input/wrong.ts', from: '../../src/tools/local-broker/index.js', reason: /a node knows no CLI, tool or test harness/ },
  { arrow: 'node → cli', file: 'nodes/kafka_input/wrong.ts', from: '../../src/cli/main.js', reason: /a node knows no CLI, tool or test harness/ },
  { arrow: 'node → test harness', file: 'nodes/kafka_input/wrong.ts', from: '../../test/support/kafka.js', reason: /a node knows no CLI, tool or test harness/ },
  { arrow: 'tools → runtime', file: 'src/tools/local-broker/wrong.ts', from: '../../runtime/logging.js', reason: /a tool stands beside the runtime: it uses src\/core only/ },
  { arrow: 'tools → library', file: 'src/tools/local-broker/wrong.ts', from: '../../libraries/kafka/cluster-config.js', reason: /a tool stands beside the runtime: it uses src\/core only/ },
  { arrow: 'core → runtime', file: 'src/core/wrong.ts', from: '../runtime/node-api.js', reason: /src\/core is the base of every layer/ },
  { arrow: 'core → library', file: 'src/core/wrong.ts', from: '../libraries/codecs/json-lines.js', reason: /src\/core is the base of every layer/ },
  { arrow: 'core → node', file: 'src/core/wrong.ts', from: '../../nodes/index.js', reason: /src\/core is the base of every layer/ },
];

for (const { arrow, file, from, reason } of WRONG) {
  test(`${arrow} is a lint error with its reason`, async () => {
    for (const code of [`import { x } from '${from}';\nexport const y = x;\n`, `import type { X } from '${from}';\nexport type Y = X;\n`, `export { x } from '${from}';\n`]) {
      const messages = await layerMessages(file, code);
      assert.equal(messages.length, 1, `${file}: ${code}\n${messages.join('\n')}`);
      assert.match(messages[0] as string, reason);
      assert.ok((messages[0] as string).includes(`'${from}'`), `the message names the import: ${messages[0]}`);
    }
  });
}

const RIGHT: readonly { arrow: string; file: string; from: string }[] = [
  { arrow: 'node → node API', file: 'nodes/eval/right.ts', from: '../../src/runtime/node-api.js' },
  { arrow: 'node → its own folder', file: 'nodes/kafka_input/right.ts', from: './settings.generated.js' },
  { arrow: 'node → library', file: 'nodes/eval/right.ts', from: '../../src/libraries/lambda/compiler.js' },
  { arrow: 'node → core', file: 'nodes/eval/right.ts', from: '../../src/core/errors.js' },
  { arrow: 'node test → test harness and runtime internals', file: 'nodes/eval/right.test.ts', from: '../../test/support/run-punchline.js' },
  { arrow: 'library → core', file: 'src/libraries/lambda/right.ts', from: '../../core/errors.js' },
  { arrow: 'library → another library', file: 'src/libraries/alerting/right.ts', from: '../template/index.js' },
  { arrow: 'runtime → kafka library', file: 'src/runtime/config/right.ts', from: '../../libraries/kafka/cluster-config.js' },
  { arrow: 'runtime → core', file: 'src/runtime/right.ts', from: '../core/errors.js' },
  { arrow: 'tools → core', file: 'src/tools/local-broker/right.ts', from: '../../core/errors.js' },
  { arrow: 'core → core', file: 'src/core/right.ts', from: './errors.js' },
  { arrow: 'cli → runtime, nodes and libraries', file: 'src/cli/right.ts', from: '../../nodes/index.js' },
];

for (const { arrow, file, from } of RIGHT) {
  test(`${arrow} is allowed`, async () => {
    assert.deepEqual(await layerMessages(file, `import { x } from '${from}';\nexport const y = x;\n`), []);
  });
}

/** Every .ts file under `dir`, skipping node_modules. */
async function typescriptFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...(await typescriptFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

test('the tree as it is has no layer violation', async () => {
  const files = [...(await typescriptFiles(join(ROOT, 'src'))), ...(await typescriptFiles(join(ROOT, 'nodes')))];
  assert.ok(files.length > 100, `found ${files.length} files`);
  const results = await eslint.lintFiles(files.map((f) => relative(ROOT, f)));
  assert.equal(results.length, files.length, 'every file was linted, none ignored');
  const problems = results.flatMap((r) => r.messages.filter((m) => m.fatal === true || m.ruleId === RULE).map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.ruleId ?? 'parse'}: ${m.message}`));
  assert.deepEqual(problems, []);
});
