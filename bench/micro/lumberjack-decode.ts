/**
 * Micro-benchmark of the lumberjack decoder, the hot path of every lumberjack punchline: decodes
 * N records of one ~200-byte `1D` frame with 10 fields and prints records/s and MB/s.
 * Not a test: run it by hand to compare decoder changes on one machine.
 *
 *   node --import tsx bench/micro/lumberjack-decode.ts [records=1000000]
 */
import { LumberjackDecoder } from '../../src/libraries/codecs/lumberjack.js';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';

const records = Number(process.argv[2] ?? 1_000_000);
const DISTINCT = 1024;

/** 1024 different frames, so the benchmark does not measure one cached string over and over. */
const frames: Buffer[] = [];
for (let i = 0; i < DISTINCT; i++) {
  frames.push(
    encodeLumberjack({
      id: `e${(i * 2654435761) >>> 0}`,
      ts: String(1_700_000_000_000 + i),
      host: `web-${i % 17}`,
      app: 'checkout',
      level: i % 10 === 0 ? 'ERROR' : 'INFO',
      status: String(200 + (i % 5)),
      size: String(512 + i),
      path: `/orders/${i}`,
      ip: `10.0.${i % 256}.${(i * 7) % 256}`,
      msg: `GET /orders/${i} in ${i % 97}ms`,
    }),
  );
}
const averageBytes = frames.reduce((sum, frame) => sum + frame.length, 0) / frames.length;
const decoder = new LumberjackDecoder();

function run(count: number): number {
  let fields = 0;
  for (let i = 0; i < count; i++) {
    const decoded = decoder.decode(frames[i & (DISTINCT - 1)] as Buffer);
    if (decoded['id'] !== undefined) fields += 1;
  }
  return fields;
}

run(Math.min(records, 200_000)); // warm-up: let the JIT settle
const start = process.hrtime.bigint();
const checked = run(records);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
if (checked !== records) throw new Error(`decoded ${checked} of ${records} records`);

const perSecond = records / seconds;
console.log(
  `lumberjack decode: ${records} records of ${averageBytes.toFixed(0)} bytes (10 fields, 1D) in ${seconds.toFixed(3)} s: ` +
    `${Math.round(perSecond).toLocaleString('en-US')} records/s, ${((perSecond * averageBytes) / 1e6).toFixed(1)} MB/s ` +
    `(node ${process.version})`,
);
