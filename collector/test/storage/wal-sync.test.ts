import { closeSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalSync, type WalSync } from '../../src/storage/wal-sync.ts';
import { tempDir } from '../helpers/http.ts';

describe('WAL sync thread', () => {
  let sync: WalSync | null = null;
  afterEach(async () => {
    await sync?.close();
    sync = null;
  });

  it('appends each group of chunks in order and answers with the bytes written', async () => {
    sync = startWalSync();
    const file = path.join(await tempDir(), 'segment.wal');
    const fd = openSync(file, 'a');
    try {
      const groups = [[Buffer.from('ab'), Buffer.from('cd')], [Buffer.from('e')], [Buffer.from('fgh')]];
      const written = await Promise.all(groups.map((chunks) => sync!.writeAndSync(fd, chunks)));
      expect(written).toEqual([4, 1, 3]);
      expect(readFileSync(file, 'utf8')).toBe('abcdefgh');
    } finally {
      closeSync(fd);
    }
  });

  it('writes only the bytes of a chunk that views part of a larger buffer', async () => {
    sync = startWalSync();
    const file = path.join(await tempDir(), 'segment.wal');
    const fd = openSync(file, 'a');
    try {
      const whole = Buffer.from('xxPAYLOADyy');
      expect(await sync.writeAndSync(fd, [whole.subarray(2, 9)])).toBe(7);
      expect(readFileSync(file, 'utf8')).toBe('PAYLOAD');
    } finally {
      closeSync(fd);
    }
  });

  it('rejects with the system error when the write fails, then keeps working', async () => {
    sync = startWalSync();
    const dir = await tempDir();
    const readOnly = openSync(path.join(dir, 'r.wal'), 'w');
    closeSync(readOnly);
    const fd = openSync(path.join(dir, 'r.wal'), 'r');
    try {
      await expect(sync.writeAndSync(fd, [Buffer.from('x')])).rejects.toMatchObject({ code: 'EBADF' });
    } finally {
      closeSync(fd);
    }
    const ok = openSync(path.join(dir, 'ok.wal'), 'a');
    try {
      expect(await sync.writeAndSync(ok, [Buffer.from('fine')])).toBe(4);
    } finally {
      closeSync(ok);
    }
  });

  it('fails the first write to a segment deleted before it was written, and trusts a file created without a link count', async () => {
    sync = startWalSync();
    const file = path.join(await tempDir(), 'spare.wal');
    const fd = openSync(file, 'a');
    try {
      unlinkSync(file);
      await expect(sync.writeAndSync(fd, [Buffer.from('lost')], true)).rejects.toMatchObject({
        code: 'ENOENT',
      });
      expect(await sync.writeAndSync(fd, [Buffer.from('fs without links')], false)).toBe(16);
    } finally {
      closeSync(fd);
    }
  });

  it('fails a write to a segment whose name was deleted, instead of acknowledging it', async () => {
    sync = startWalSync();
    const file = path.join(await tempDir(), 'segment.wal');
    const fd = openSync(file, 'a');
    try {
      expect(await sync.writeAndSync(fd, [Buffer.from('kept')])).toBe(4);
      unlinkSync(file);
      await expect(sync.writeAndSync(fd, [Buffer.from('lost')])).rejects.toMatchObject({
        code: 'ENOENT',
        message: expect.stringContaining('deleted'),
      });
    } finally {
      closeSync(fd);
    }
  });

  it('starts a new thread for the next write when its thread dies', async () => {
    sync = startWalSync(new URL('./dying-wal-sync-thread.ts', import.meta.url));
    await expect(sync.writeAndSync(-1, [Buffer.from('x')])).rejects.toThrow(/exited with code 7/);
    const file = path.join(await tempDir(), 'after.wal');
    const fd = openSync(file, 'a');
    try {
      expect(await sync.writeAndSync(fd, [Buffer.from('still here')])).toBe(10);
      expect(readFileSync(file, 'utf8')).toBe('still here');
    } finally {
      closeSync(fd);
    }
  });

  it('refuses writes once closed', async () => {
    const closing = startWalSync();
    await closing.close();
    await expect(closing.writeAndSync(0, [Buffer.from('x')])).rejects.toThrow(/closed/);
  });
});
