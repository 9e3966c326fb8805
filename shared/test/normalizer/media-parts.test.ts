/**
 * Images, files and audio in OpenAI and Anthropic message shapes, as the libraries that record
 * requests as sent carry them: the captured Langfuse and OTel instrumentation-openai fixtures, with
 * the first user message's text replaced by content parts. Inline data is kept by its length only;
 * what names the content (file id, file name, MIME type) is kept.
 */
import { listFixtures } from '@parley/test-data/fixtures';
import { describe, expect, it } from 'vitest';
import { completeAcrossBatches, normalizeBatch } from '../../src/normalizer/index.ts';
import type { OtlpLogRecord, OtlpSpan } from '../../src/otlp.ts';
import { decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';

const QUESTION = "Hello! What's the capital of France?";
const DATA = 'JVBERi0xLjQK'.repeat(400);

const CONTENT = [
  { type: 'text', text: QUESTION },
  { type: 'file', file: { file_data: `data:application/pdf;base64,${DATA}`, filename: 'notes.pdf' } },
  { type: 'file', file: { file_id: 'file-abc123' } },
  { type: 'input_audio', input_audio: { data: DATA, format: 'wav' } },
  { type: 'input_image', image_url: `data:image/png;base64,${DATA}` },
  { type: 'input_file', file_id: 'file-def456', filename: 'report.pdf' },
  { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: DATA } },
  { type: 'document', source: { type: 'url', url: 'https://files.invalid/a.pdf' }, title: 'a.pdf' },
];

const EXPECTED = [
  { type: 'text', content: QUESTION },
  {
    type: 'blob',
    modality: 'document',
    mime_type: 'application/pdf',
    content_length: DATA.length + 'data:application/pdf;base64,'.length,
    filename: 'notes.pdf',
  },
  { type: 'file', modality: 'document', file_id: 'file-abc123' },
  { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content_length: DATA.length },
  {
    type: 'blob',
    modality: 'image',
    mime_type: 'image/png',
    content_length: DATA.length + 'data:image/png;base64,'.length,
  },
  { type: 'file', modality: 'document', file_id: 'file-def456', filename: 'report.pdf' },
  { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content_length: DATA.length },
  { type: 'uri', modality: 'document', uri: 'https://files.invalid/a.pdf', filename: 'a.pdf' },
];

function fixture(name: string) {
  const found = listFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

function normalize(spans: OtlpSpan[], logs: OtlpLogRecord[]) {
  const out = normalizeBatch({ spans, logs }, { pricer: null });
  return completeAcrossBatches(out.spans, out.messages);
}

function firstQuestion(messages: ReturnType<typeof normalize>['messages']) {
  const row = messages.find((m) => m.role === 'user' && m.content === QUESTION);
  expect(row).toBeDefined();
  return JSON.parse(row?.parts ?? 'null') as unknown;
}

describe('media parts in requests recorded as sent', () => {
  it('langfuse: keeps what names each image, file and audio part, not its data', () => {
    const spans: OtlpSpan[] = [];
    for (const body of fixture('langfuse-json').bodies) {
      const decoded = decodeTraces(body.bytes, body.encoding);
      if (!decoded.ok) throw new Error(decoded.error);
      spans.push(...decoded.value);
    }
    const sent = JSON.stringify(QUESTION);
    for (const s of spans) {
      const input = s.attributes['langfuse.observation.input'];
      if (typeof input === 'string')
        s.attributes['langfuse.observation.input'] = input
          .split(`"content":${sent}`)
          .join(`"content":${JSON.stringify(CONTENT)}`);
    }
    const { messages } = normalize(spans, []);
    expect(firstQuestion(messages)).toEqual(EXPECTED);
    expect(messages.every((m) => !(m.parts ?? '').includes(DATA))).toBe(true);
  });

  it('otel-openai: keeps what names each image, file and audio part, not its data', () => {
    const spans: OtlpSpan[] = [];
    const logs: OtlpLogRecord[] = [];
    for (const body of fixture('otel-openai-json').bodies) {
      if (body.signal === 'traces') {
        const decoded = decodeTraces(body.bytes, body.encoding);
        if (!decoded.ok) throw new Error(decoded.error);
        spans.push(...decoded.value);
      } else {
        const decoded = decodeLogs(body.bytes, body.encoding);
        if (!decoded.ok) throw new Error(decoded.error);
        logs.push(...decoded.value);
      }
    }
    let replaced = 0;
    for (const l of logs) {
      const body = l.body as Record<string, unknown> | null;
      if (body !== null && typeof body === 'object' && body.content === QUESTION) {
        body.content = CONTENT;
        replaced++;
      }
    }
    expect(replaced).toBeGreaterThan(0);
    const { messages } = normalize(spans, logs);
    expect(firstQuestion(messages)).toEqual(EXPECTED);
    expect(messages.every((m) => !(m.parts ?? '').includes(DATA))).toBe(true);
  });
});
