/**
 * Runs a punchline written in a test (JSON5 text) in-process, through the same loading,
 * validation and runtime as `punchline run`, with the test doubles in the catalogue.
 */
import { Registry } from 'prom-client';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import type { PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { createLogger } from '../../src/runtime/logging.js';
import type { Logger } from '../../src/runtime/logging.js';
import { Topology } from '../../src/runtime/topology.js';
import type { RunResult } from '../../src/runtime/topology.js';
import { TEST_CATALOGUE } from './test-nodes.js';

export interface TestRun {
  readonly topology: Topology;
  readonly registry: Registry;
  readonly result: Promise<RunResult>;
}

/**
 * Validates and starts a punchline; throws with every diagnostic when it is invalid. Logs go
 * nowhere unless `$PUNCHLINE_TEST_LOG_LEVEL` is set, or to `logger` for a test that reads them.
 */
export async function startPunchline(text: string, platform: PlatformConfig = DEFAULT_PLATFORM_CONFIG, file = '/tests/acme/unit/test.json5', logger?: Logger): Promise<TestRun> {
  const { punchline, diagnostics } = validatePunchlineDocument(parseJson5Document(file, text), TEST_CATALOGUE, platform);
  if (punchline === undefined) throw new Error(`invalid test punchline:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const registry = new Registry();
  const topology = new Topology(punchline, { platform, logger: logger ?? createLogger({ level: process.env.PUNCHLINE_TEST_LOG_LEVEL ?? 'silent', pretty: false }), registry });
  await topology.start();
  return { topology, registry, result: topology.result };
}

/** The value of one series of a metric, by component. */
export async function metricValue(registry: Registry, name: string, component: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  const data = await metric?.get();
  return data?.values.find((v) => v.labels.component === component)?.value;
}
