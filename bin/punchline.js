#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm install` through `prepare`).
import process from 'node:process';
import { main } from '../dist/src/cli/main.js';

process.exit(await main(process.argv));
