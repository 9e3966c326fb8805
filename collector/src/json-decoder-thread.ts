/**
 * The off-thread JSON decoder's worker (see json-decoder.ts): decodes each body it is sent and
 * sends back the summary with the body, whose buffer goes back and forth without a copy.
 */
import { parentPort } from 'node:worker_threads';
import { decodeSummary } from './request-decode.ts';
import type { Signal } from './request-decode.ts';

const port = parentPort;
if (port === null) throw new Error('json-decoder-thread runs as a worker thread');

port.on('message', (job: { id: number; signal: Signal; body: Uint8Array<ArrayBuffer> }) => {
  const summary = decodeSummary(job.signal, job.body, 'json');
  port.postMessage({ id: job.id, summary, body: job.body }, [job.body.buffer]);
});
