/**
 * Brokers that cannot be reached: the error names the addresses tried and why — refused, or no
 * answer within the cluster's timeout — and `config check` exits 1. Loopback only: a closed port,
 * and a listener that accepts connections but never answers (a hung broker, or not Kafka).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, test } from 'node:test';
import { platformFile, punchline, reportLine } from './support.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An address nothing listens on: a port just released. */
async function closedAddress(): Promise<string> {
  const server = createServer();
  const address = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return address;
}

const silentSockets = new Set<Socket>();
const silent = createServer((socket) => silentSockets.add(socket));
const silentAddress = await listen(silent);
after(() => {
  for (const socket of silentSockets) socket.destroy();
  silent.close();
});

test('refused connections name every address and the number of attempts', async () => {
  const [first, second] = [await closedAddress(), await closedAddress()];
  const run = await punchline(['config', 'check', '--config', await platformFile({ gone: { brokers: [first, second] } })]);
  assert.equal(run.code, 1);
  assert.match(
    reportLine(run, 'gone'),
    new RegExp(`^gone: FAILED: not reachable: kafka cluster "gone": connecting: no broker answered at ${first}, ${second}: connection refused by 127\\.0\\.0\\.1:\\d+, 2 attempts \\(check that the brokers run and listen on these addresses, or override them with bootstrap\\.servers\\)$`),
  );
  assert.match(run.stderr, /1 of 1 cluster failed/);
});

test('a listener that never answers is reported with the timeout that expired', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ hung: { brokers: [silentAddress], timeout_ms: 1000 } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'hung'),
    `hung: FAILED: not reachable: kafka cluster "hung": connecting: no broker answered at ${silentAddress}: connected to ${silentAddress}, but no Kafka answer within 1000 ms (check that these addresses are Kafka listeners and the brokers are healthy; raise timeout_ms for a slow network)`,
  );
});

test('a TLS handshake that never completes is reported with the connection timeout', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ hung: { brokers: [silentAddress], timeout_ms: 1000, tls: { enabled: true } } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'hung'),
    `hung: FAILED: not reachable: kafka cluster "hung": connecting: no broker answered at ${silentAddress}: no TLS connection to ${silentAddress} within 1000 ms, 2 attempts (check the addresses and firewalls; raise timeout_ms for a slow network)`,
  );
});

test('timeout_ms 0 means the default of 10 s, as in Kapacitor', async () => {
  const run = await punchline(['config', 'show', '--config', await platformFile({ hung: { brokers: [silentAddress], timeout_ms: 0, batch_size: 0, batch_timeout_ms: 0 } })]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /"timeout_ms": 10000,\n\s+"batch_size": 100,\n\s+"batch_timeout_ms": 1000/);
});
