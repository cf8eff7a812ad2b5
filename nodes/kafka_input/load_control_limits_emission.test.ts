/**
 * The load controllers (pure, time passed in): the rate bucket admits exactly its rate over time
 * with small bursts; the adaptive window shrinks when ack latency grows and grows back when the
 * window limits a healthy flow.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWindow, TokenBucket } from './load-control.js';

describe('load control', () => {
  it('rate: admits the configured rate over a long run, whatever the polling pattern', () => {
    const bucket = new TokenBucket(2000, 0);
    let admitted = 0;
    // Poll at irregular moments for 30 simulated seconds, admitting as much as allowed each time.
    for (let now = 0; now < 30_000; now += 0.5 + ((now * 7919) % 13)) {
      while (bucket.admit(0, now) === 0) admitted++;
    }
    assert.ok(Math.abs(admitted - 60_000) <= 101, `admitted ${admitted}`);
  });

  it('rate: bursts at most 50 ms worth after an idle period, and says how long to wait', () => {
    const bucket = new TokenBucket(2000, 0);
    let burst = 0;
    while (bucket.admit(0, 10_000) === 0) burst++;
    assert.equal(burst, 100);
    assert.equal(bucket.admit(0, 10_000), 1, 'one token takes half a millisecond: wait at least 1 ms');
  });

  it('adaptative: shrinks the window when latency climbs far above its baseline, then grows it back', () => {
    const window = new AdaptiveWindow(10_000, 0);
    const start = window.window;
    let now = 0;
    const period = (latencyMs: number, pending: number): void => {
      for (let i = 0; i < 50; i++) window.acked(latencyMs, now + i);
      assert.equal(window.admit(pending, now + 100), pending < window.window ? 0 : 250);
      now += 260;
      window.acked(latencyMs, now);
    };
    for (let i = 0; i < 10; i++) period(5, 1_000_000); // healthy and saturated: grows
    const grown = window.window;
    assert.ok(grown > start, `grew from ${start} to ${grown}`);
    assert.ok((window.baseline ?? 0) <= 5);
    for (let i = 0; i < 5; i++) period(200, 1_000_000); // congested: shrinks
    assert.ok(window.window < grown * 0.5, `shrank from ${grown} to ${window.window}`);
    const shrunk = window.window;
    for (let i = 0; i < 20; i++) period(5, 1_000_000);
    assert.ok(window.window > shrunk, 'recovers once latency is back to its baseline');
  });

  it('adaptative: never grows beyond max pending, nor when the window is not what limits the flow', () => {
    const window = new AdaptiveWindow(150, 0);
    let now = 0;
    for (let i = 0; i < 50; i++) {
      window.admit(1_000_000, now);
      window.acked(1, now);
      now += 300;
    }
    assert.equal(window.window, 150);
    const idle = new AdaptiveWindow(10_000, 0);
    for (let i = 0; i < 50; i++) {
      idle.admit(0, i * 300);
      idle.acked(1, i * 300);
    }
    assert.equal(idle.window, 100, 'no growth without saturation');
  });
});
