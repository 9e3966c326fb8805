/** A JSON decoder worker that dies on its first job (see json-decoder.test.ts). */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => process.exit(3));
