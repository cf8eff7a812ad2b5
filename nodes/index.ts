/**
 * The catalogue: every node type a punchline can use, listed explicitly (no directory scanning, no
 * registration by import side effect). A node type is its folder under `nodes/`, its settings
 * schema under `schemas/nodes/`, and one line here.
 */
import type { NodeDefinition } from '../src/runtime/node-api.js';
import { generatorInput } from './generator_input/generator-input.js';
import { printOutput } from './print_output/print-output.js';
import { fileOutput } from './file_output/file-output.js';
import { kafkaInput } from './kafka_input/kafka-input.js';
import { kafkaOutput } from './kafka_output/kafka-output.js';
import { filter } from './filter/filter.js';
import { evalBolt } from './eval/eval.js';
import { alert } from './alert/alert.js';
import { alertHandlers } from './alert_handlers/alert-handlers.js';
import { windowBolt } from './window/window.js';
import { aggregateBolt } from './aggregate/aggregate.js';
import { fileInput } from './file_input/file-input.js';

export const NODE_CATALOGUE: readonly NodeDefinition[] = [
  generatorInput,
  printOutput,
  fileOutput,
  kafkaInput,
  kafkaOutput,
  filter,
  evalBolt,
  alert,
  alertHandlers,
  windowBolt,
  aggregateBolt,
  fileInput,
];
