/** ExportTraceServiceRequest (trace.proto) straight to OtlpSpan rows. */
import type { Attributes, OtlpEvent, OtlpLink, OtlpSpan, SpanKindCode, StatusCodeNumber } from '../otlp.ts';
import { decodeKeyValue, nextTag, readId } from './protobuf-common.ts';
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

const TRACE_FIELDS: EnvelopeFields = { resource: 'resource_spans', scope: 'scope_spans', items: 'spans' };

export function decodeTraceRequest(c: Cursor): Collected<OtlpSpan> {
  return decodeExportRequest(c, TRACE_FIELDS, decodeSpan);
}

function rejectProblem(c: Cursor, field: string, detail: string): void {
  addProblem(c, { code: 'span_rejected', field, message: `${pathOf(c)}: ${detail}` });
}

function decodeSpan(c: Cursor, wt: number, limit: number): OtlpSpan | null {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'spans', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  let traceId: string | null = '';
  let spanId: string | null = '';
  let parentSpanId: string | null = '';
  let name = '';
  let kind = 0;
  let startTimeUs = 0;
  let endTimeUs = 0;
  const attributes: Attributes = {};
  const events: OtlpEvent[] = [];
  const links: OtlpLink[] = [];
  let status: OtlpSpan['status'] = { code: 0, message: '' };
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        traceId = readId(c, twt, end, 'trace_id', 16);
        break;
      case 2:
        spanId = readId(c, twt, end, 'span_id', 8);
        break;
      case 4:
        parentSpanId = readId(c, twt, end, 'parent_span_id', 8);
        break;
      case 5:
        name = readString(c, twt, end, 'name');
        break;
      case 6:
        kind = readVarintField(c, twt, end, 'kind');
        break;
      case 7:
        startTimeUs = readTimeField(c, twt, end, 'start_time_unix_nano');
        break;
      case 8:
        endTimeUs = readTimeField(c, twt, end, 'end_time_unix_nano');
        break;
      case 9:
        decodeKeyValue(c, twt, end, attributes, 'attributes');
        break;
      case 11:
        events.push(decodeEvent(c, twt, end));
        break;
      case 13: {
        const link = decodeLink(c, twt, end);
        if (link) links.push(link);
        break;
      }
      case 15:
        status = decodeStatus(c, twt, end);
        break;
      case 16:
        skipFixed32Field(c, twt, end, 'flags');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'span');
  if (traceId === null || traceId === '') {
    rejectProblem(c, 'trace_id', 'trace_id is missing, all zeros or not 16 bytes');
    return null;
  }
  if (spanId === null || spanId === '') {
    rejectProblem(c, 'span_id', 'span_id is missing, all zeros or not 8 bytes');
    return null;
  }
  if (parentSpanId === null) {
    rejectProblem(c, 'parent_span_id', 'parent_span_id is neither empty nor 8 bytes');
    return null;
  }
  if (kind > 5) {
    addProblem(c, {
      code: 'invalid_enum',
      field: 'kind',
      message: `${pathOf(c)}: unknown span kind ${kind}`,
    });
    kind = 0;
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind: kind as SpanKindCode,
    startTimeUs,
    endTimeUs,
    attributes,
    events,
    links,
    status,
    resource: PENDING_RESOURCE,
    scope: PENDING_SCOPE,
  };
}

function decodeEvent(c: Cursor, wt: number, limit: number): OtlpEvent {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'events', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const event: OtlpEvent = { timeUs: 0, name: '', attributes: {} };
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        event.timeUs = readTimeField(c, twt, end, 'event.time_unix_nano');
        break;
      case 2:
        event.name = readString(c, twt, end, 'event.name');
        break;
      case 3:
        decodeKeyValue(c, twt, end, event.attributes, 'event.attributes');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'event');
  return event;
}

function decodeLink(c: Cursor, wt: number, limit: number): OtlpLink | null {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'links', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  let traceId: string | null = '';
  let spanId: string | null = '';
  const attributes: Attributes = {};
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        traceId = readId(c, twt, end, 'link.trace_id', 16);
        break;
      case 2:
        spanId = readId(c, twt, end, 'link.span_id', 8);
        break;
      case 4:
        decodeKeyValue(c, twt, end, attributes, 'link.attributes');
        break;
      case 6:
        skipFixed32Field(c, twt, end, 'link.flags');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'link');
  if (!traceId || !spanId) {
    addProblem(c, {
      code: 'link_dropped',
      field: 'links',
      message: `${pathOf(c)}: link with an invalid trace or span id dropped`,
    });
    return null;
  }
  return { traceId, spanId, attributes };
}

function decodeStatus(c: Cursor, wt: number, limit: number): OtlpSpan['status'] {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'status', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  let code = 0;
  let message = '';
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 2:
        message = readString(c, twt, end, 'status.message');
        break;
      case 3:
        code = readVarintField(c, twt, end, 'status.code');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'status');
  if (code > 2) {
    addProblem(c, {
      code: 'invalid_enum',
      field: 'status.code',
      message: `${pathOf(c)}: unknown status code ${code}`,
    });
    code = 0;
  }
  return { code: code as StatusCodeNumber, message };
}
