import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frameRecord, readRecords } from '../../src/storage/wal-frame.ts';
import type { WalRecord } from '../../src/storage/wal-frame.ts';
import { truncateToValidRecords } from '../../src/storage/wal-segments.ts';
import { tempDir } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const RECORDS: WalRecord[] = [
  { signal: 'traces', encoding: 'protobuf', items: 3, body: Buffer.from([0x0a, 0x02, 0x08, 0x01]) },
  { signal: 'logs', encoding: 'json', items: 1, body: Buffer.from('{"resourceLogs":[]}') },
  { signal: 'traces', encoding: 'decoded', items: 2, body: Buffer.from('[{},{}]') },
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
    damaged[second + 16 + 3] = (damaged[second + 16 + 3] as number) ^ 0x40;
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
    expect(scan).toMatchObject({ items: 6, cutBytes: 16, problem: 'torn' });
    expect(await readFile(path)).toEqual(segment(RECORDS));
  });
});
