/** ExportLogsServiceRequest (logs.proto) straight to OtlpLogRecord rows. */
import type { AnyValue, Attributes, OtlpLogRecord } from '../otlp.ts';
import { decodeAnyValueField, decodeKeyValue, nextTag, readId } from './protobuf-common.ts';
import {
  type Collected,
  type EnvelopeFields,
  PENDING_RESOURCE,
  PENDING_SCOPE,
  decodeExportRequest,
} from './protobuf-envelope.ts';
import {
  type Cursor,
  WIRE_LEN,
  addProblem,
  pathOf,
  expectEnd,
  readMessageEnd,
  readString,
  readTimeField,
  readVarintField,
  skipField,
  skipFixed32Field,
  wrongWireType,
} from './wire.ts';

const LOG_FIELDS: EnvelopeFields = { resource: 'resource_logs', scope: 'scope_logs', items: 'log_records' };

export function decodeLogsRequest(c: Cursor): Collected<OtlpLogRecord> {
  return decodeExportRequest(c, LOG_FIELDS, decodeLogRecord);
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
        traceId = readId(c, twt, end, 'trace_id', 16);
        break;
      case 10:
        spanId = readId(c, twt, end, 'span_id', 8);
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
    resource: PENDING_RESOURCE,
    scope: PENDING_SCOPE,
  };
}
