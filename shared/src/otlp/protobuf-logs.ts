/** ExportLogsServiceRequest (logs.proto) straight to OtlpLogRecord rows. */
import type { AnyValue, Attributes, OtlpLogRecord, OtlpScope } from '../otlp.ts';
import { bytesToHex } from './bytes.ts';
import {
  decodeAnyValueField,
  decodeKeyValue,
  decodeResource,
  decodeScope,
  nextTag,
} from './protobuf-common.ts';
import type { Collected } from './protobuf-traces.ts';
import {
  type Cursor,
  WIRE_LEN,
  addProblem,
  enter,
  leave,
  pathOf,
  expectEnd,
  readBytesEnd,
  readMessageEnd,
  readString,
  readTimeField,
  readVarintField,
  skipField,
  skipFixed32Field,
  wrongWireType,
} from './wire.ts';

const EMPTY_SCOPE: OtlpScope = { name: '', version: '' };
const EMPTY_RESOURCE: Attributes = {};

export function decodeLogsRequest(c: Cursor): Collected<OtlpLogRecord> {
  const out: Collected<OtlpLogRecord> = { items: [], rejected: 0 };
  const end = c.buf.length;
  let index = 0;
  while (c.pos < end) {
    const tag = nextTag(c);
    const wt = tag & 7;
    if (tag >>> 3 === 1) {
      enter(c, 'resource_logs', index++);
      decodeResourceLogs(c, wt, end, out);
      leave(c);
    } else skipField(c, wt, end, tag >>> 3);
  }
  return out;
}

function decodeResourceLogs(c: Cursor, wt: number, limit: number, out: Collected<OtlpLogRecord>): void {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'resource_logs', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const first = out.items.length;
  let resource: Attributes = {};
  let index = 0;
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        resource = decodeResource(c, twt, end);
        break;
      case 2:
        enter(c, 'scope_logs', index++);
        decodeScopeLogs(c, twt, end, out);
        leave(c);
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'resource_logs');
  for (let i = first; i < out.items.length; i++) out.items[i]!.resource = resource;
}

function decodeScopeLogs(c: Cursor, wt: number, limit: number, out: Collected<OtlpLogRecord>): void {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'scope_logs', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const first = out.items.length;
  let scope: OtlpScope = EMPTY_SCOPE;
  let index = 0;
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        scope = decodeScope(c, twt, end);
        break;
      case 2: {
        enter(c, 'log_records', index++);
        const record = decodeLogRecord(c, twt, end);
        leave(c);
        if (record) out.items.push(record);
        else out.rejected++;
        break;
      }
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'scope_logs');
  if (scope === EMPTY_SCOPE) scope = { name: '', version: '' };
  for (let i = first; i < out.items.length; i++) out.items[i]!.scope = scope;
}

/** Hex of an optional id: '' when absent, null when present with the wrong length. */
function readOptionalId(c: Cursor, wt: number, end: number, field: string, size: number): string | null {
  const idEnd = readBytesEnd(c, wt, end, field);
  const start = c.pos;
  c.pos = idEnd;
  if (idEnd === start) return '';
  return idEnd - start === size ? bytesToHex(c.buf, start, idEnd) : null;
}

function decodeLogRecord(c: Cursor, wt: number, limit: number): OtlpLogRecord | null {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'log_records', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  let timeUs = 0;
  let observedTimeUs = 0;
  let traceId: string | null = '';
  let spanId: string | null = '';
  let eventName = '';
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = null;
  const attributes: Attributes = {};
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        timeUs = readTimeField(c, twt, end, 'time_unix_nano');
        break;
      case 2:
        severityNumber = readVarintField(c, twt, end, 'severity_number');
        break;
      case 3:
        severityText = readString(c, twt, end, 'severity_text');
        break;
      case 5:
        body = decodeAnyValueField(c, twt, end, 'body');
        break;
      case 6:
        decodeKeyValue(c, twt, end, attributes, 'attributes');
        break;
      case 8:
        skipFixed32Field(c, twt, end, 'flags');
        break;
      case 9:
        traceId = readOptionalId(c, twt, end, 'trace_id', 16);
        break;
      case 10:
        spanId = readOptionalId(c, twt, end, 'span_id', 8);
        break;
      case 11:
        observedTimeUs = readTimeField(c, twt, end, 'observed_time_unix_nano');
        break;
      case 12:
        eventName = readString(c, twt, end, 'event_name');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'log_record');
  if (traceId === null || spanId === null) {
    addProblem(c, {
      code: 'log_rejected',
      field: traceId === null ? 'trace_id' : 'span_id',
      message: `${pathOf(c)}: ${traceId === null ? 'trace_id is not 16 bytes' : 'span_id is not 8 bytes'}`,
    });
    return null;
  }
  if (severityNumber > 24) {
    addProblem(c, {
      code: 'invalid_enum',
      field: 'severity_number',
      message: `${pathOf(c)}: unknown severity ${severityNumber}`,
    });
    severityNumber = 0;
  }
  return {
    timeUs,
    observedTimeUs,
    traceId,
    spanId,
    eventName,
    severityNumber,
    severityText,
    body,
    attributes,
    resource: EMPTY_RESOURCE,
    scope: EMPTY_SCOPE,
  };
}
