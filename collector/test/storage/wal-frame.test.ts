import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { frameRecord, readRecords } from '../../src/storage/wal-frame.ts';
import type { WalRecord } from '../../src/storage/wal-frame.ts';
import { truncateToValidRecords } from '../../src/storage/wal-segments.ts';
import { tempDir } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const RECEIVED_MS = Date.UTC(2026, 10, 27, 21, 45, 1, 234);
const RECORDS: WalRecord[] = [
  {
    signal: 'traces',
    encoding: 'protobuf',
    items: 3,
    receivedMs: RECEIVED_MS,
    body: Buffer.from([0x0a, 0x02, 0x08, 0x01]),
  },
  {
    signal: 'logs',
    encoding: 'json',
    items: 1,
    receivedMs: RECEIVED_MS + 1,
    body: Buffer.from('{"resourceLogs":[]}'),
  },
  {
    signal: 'traces',
    encoding: 'decoded',
    items: 2,
    receivedMs: RECEIVED_MS + 2,
    body: Buffer.from('[{},{}]'),
  },
];

function segment(records: readonly WalRecord[]): Buffer {
  return Buffer.concat(records.flatMap((r) => frameRecord(r)));
}

describe('WAL record format', () => {
  it('reads back every record with its signal, encoding, item count and body', () => {
    const read = readRecords(segment(RECORDS));
    expect(read.problem).toBe(null);
    expect(read.records).toEqual(RECORDS);
    expect(read.validBytes).toBe(segment(RECORDS).length);
  });

  it('reads records written before receipt times were kept (flags 0) as they are, without one', () => {
    // The earlier layout, byte for byte: u16 reserved 0, no time between the item count and body.
    const body = Buffer.from('[{}]');
    const payload = Buffer.concat([Buffer.from([0, 2, 0, 0, 1, 0, 0, 0]), body]);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(payload.length, 0);
    head.writeUInt32LE(crc32(payload), 4);
    const old = Buffer.concat([head, payload]);
    expect(Buffer.concat(frameRecord({ signal: 'traces', encoding: 'decoded', items: 1, body }))).toEqual(
      old,
    );
    const read = readRecords(Buffer.concat([old, segment(RECORDS.slice(0, 1))]));
    expect(read.problem).toBe(null);
    expect(read.records).toEqual([
      { signal: 'traces', encoding: 'decoded', items: 1, receivedMs: null, body },
      RECORDS[0],
    ]);
  });

  it('calls a record with a flag it does not know corrupt', () => {
    const data = segment(RECORDS.slice(0, 1));
    data.writeUInt16LE(3, 10);
    data.writeUInt32LE(crc32(data.subarray(8)), 4);
    expect(readRecords(data)).toMatchObject({ problem: 'corrupt', validBytes: 0 });
  });

  it('stops before a torn last record, wherever the write was cut', () => {
    const whole = segment(RECORDS);
    const complete = segment(RECORDS.slice(0, 2)).length;
    for (const cut of [complete + 1, complete + 8, complete + 17, whole.length - 1]) {
      const read = readRecords(whole.subarray(0, cut));
      expect(read).toMatchObject({ problem: 'torn', validBytes: complete });
      expect(read.records).toEqual(RECORDS.slice(0, 2));
    }
  });

  it('stops at a record whose checksum does not match', () => {
    const data = segment(RECORDS);
    const second = segment(RECORDS.slice(0, 1)).length;
    // Flip one byte of the second record's body.
    const damaged = Buffer.from(data);
    damaged[second + 24 + 3] = (damaged[second + 24 + 3] as number) ^ 0x40;
    const read = readRecords(damaged);
    expect(read).toMatchObject({ problem: 'corrupt', validBytes: second });
    expect(read.records).toEqual(RECORDS.slice(0, 1));
  });

  it('truncates a segment file to its verified records, and leaves a sound one alone', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const path = join(dir.path, '000000000001.wal');
    await writeFile(path, segment(RECORDS));
    expect(await truncateToValidRecords(path)).toEqual({
      items: 6,
      bytes: segment(RECORDS).length,
      cutBytes: 0,
      problem: null,
    });

    await appendFile(path, frameRecord(RECORDS[0] as WalRecord)[0] as Buffer);
    const scan = await truncateToValidRecords(path);
    expect(scan).toMatchObject({ items: 6, cutBytes: 24, problem: 'torn' });
    expect(await readFile(path)).toEqual(segment(RECORDS));
  });
});
