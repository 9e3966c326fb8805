/** OTLP/JSON ExportTraceServiceRequest / ExportLogsServiceRequest -> rows. */
import type {
  Attributes,
  OtlpEvent,
  OtlpLink,
  OtlpLogRecord,
  OtlpScope,
  OtlpSpan,
  SpanKindCode,
  StatusCodeNumber,
} from '../otlp.ts';
import {
  ItemRejected,
  type Json,
  type JsonContext,
  type JsonObject,
  anyValue,
  attributes,
  get,
  isObject,
  itemEnum,
  itemId,
  itemString,
  itemTimeUs,
  list,
  note,
  object,
} from './json-values.ts';
import type { Collected } from './protobuf-envelope.ts';

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};
const SEVERITY_NAMES: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((level, i) => {
  SEVERITY_NAMES[`SEVERITY_NUMBER_${level}`] = i * 4 + 1;
  for (let k = 2; k <= 4; k++) SEVERITY_NAMES[`SEVERITY_NUMBER_${level}${k}`] = i * 4 + k;
});

function resourceOf(ctx: JsonContext, o: JsonObject): Attributes {
  const r = get(o, 'resource', 'resource');
  if (!isObject(r)) return {};
  ctx.path.push('resource');
  const attrs = attributesOrEmpty(ctx, r);
  ctx.path.pop();
  return attrs;
}

function attributesOrEmpty(ctx: JsonContext, o: JsonObject): Attributes {
  try {
    return attributes(ctx, o, 'attributes');
  } catch (e) {
    if (!(e instanceof ItemRejected)) throw e;
    note(ctx, {
      code: 'invalid_value',
      field: 'attributes',
      message: `${ctx.path.join('.')}: attributes is not an array`,
    });
    return {};
  }
}

function scopeOf(o: JsonObject): OtlpScope {
  const s = get(o, 'scope', 'scope') ?? get(o, 'instrumentationLibrary', 'instrumentation_library');
  if (!isObject(s)) return { name: '', version: '' };
  return {
    name: typeof s['name'] === 'string' ? s['name'] : '',
    version: typeof s['version'] === 'string' ? s['version'] : '',
  };
}

/** Runs `decode` for each item of each scope of each resource, counting rejected items. */
function walk<T extends { resource: Attributes; scope: OtlpScope }>(
  ctx: JsonContext,
  root: Json,
  names: {
    resource: [string, string];
    scope: [string, string];
    items: [string, string];
    legacyScope: [string, string];
    rejectCode: string;
  },
  decode: (item: JsonObject) => Omit<T, 'resource' | 'scope'>,
): Collected<T> {
  const out: Collected<T> = { items: [], rejected: 0 };
  const top = object(ctx, root, 'request');
  list(ctx, top, ...names.resource).forEach((rv, ri) => {
    ctx.path.push(`${names.resource[0]}[${ri}]`);
    const r = object(ctx, rv, names.resource[0]);
    const resource = resourceOf(ctx, r);
    const scopes =
      get(r, ...names.scope) !== undefined
        ? list(ctx, r, ...names.scope)
        : list(ctx, r, ...names.legacyScope);
    scopes.forEach((sv, si) => {
      ctx.path.push(`${names.scope[0]}[${si}]`);
      const s = object(ctx, sv, names.scope[0]);
      const scope = scopeOf(s);
      list(ctx, s, ...names.items).forEach((iv, ii) => {
        ctx.path.push(`${names.items[0]}[${ii}]`);
        try {
          const item = decode(object(ctx, iv, names.items[0]));
          out.items.push({ ...item, resource, scope } as T);
        } catch (e) {
          if (!(e instanceof ItemRejected)) throw e;
          out.rejected++;
          note(ctx, {
            code: names.rejectCode,
            field: e.field,
            message: `${ctx.path.join('.')}: ${e.message}`,
          });
        }
        ctx.path.pop();
      });
      ctx.path.pop();
    });
    ctx.path.pop();
  });
  return out;
}

function requiredId(ctx: JsonContext, o: JsonObject, camel: string, snake: string, size: number): string {
  const id = itemId(ctx, o, camel, snake, size);
  if (!id) throw new ItemRejected(camel, `${camel} is missing, all zeros or not ${size} bytes of hex`);
  return id;
}

function optionalId(ctx: JsonContext, o: JsonObject, camel: string, snake: string, size: number): string {
  const id = itemId(ctx, o, camel, snake, size);
  if (id === null) throw new ItemRejected(camel, `${camel} is neither empty nor ${size} bytes of hex`);
  return id;
}

function events(ctx: JsonContext, o: JsonObject): OtlpEvent[] {
  const v = get(o, 'events', 'events');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ItemRejected('events', 'events is not an array');
  return v.map((ev) => {
    if (!isObject(ev)) throw new ItemRejected('events', 'an event is not an object');
    return {
      timeUs: itemTimeUs(ev, 'timeUnixNano', 'time_unix_nano'),
      name: itemString(ev, 'name', 'name'),
      attributes: attributes(ctx, ev, 'event.attributes'),
    };
  });
}

function links(ctx: JsonContext, o: JsonObject): OtlpLink[] {
  const v = get(o, 'links', 'links');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ItemRejected('links', 'links is not an array');
  const out: OtlpLink[] = [];
  for (const lv of v) {
    if (!isObject(lv)) throw new ItemRejected('links', 'a link is not an object');
    const traceId = itemId(ctx, lv, 'traceId', 'trace_id', 16);
    const spanId = itemId(ctx, lv, 'spanId', 'span_id', 8);
    if (!traceId || !spanId) {
      note(ctx, {
        code: 'link_dropped',
        field: 'links',
        message: `${ctx.path.join('.')}: link with an invalid trace or span id dropped`,
      });
      continue;
    }
    out.push({ traceId, spanId, attributes: attributes(ctx, lv, 'link.attributes') });
  }
  return out;
}

function status(ctx: JsonContext, o: JsonObject): OtlpSpan['status'] {
  const s = get(o, 'status', 'status');
  if (!isObject(s)) return { code: 0, message: '' };
  return {
    code: itemEnum(ctx, s, 'code', 'code', STATUS_NAMES, 2) as StatusCodeNumber,
    message: itemString(s, 'message', 'message'),
  };
}

export function decodeTracesJson(ctx: JsonContext, root: Json): Collected<OtlpSpan> {
  return walk<OtlpSpan>(
    ctx,
    root,
    {
      resource: ['resourceSpans', 'resource_spans'],
      scope: ['scopeSpans', 'scope_spans'],
      legacyScope: ['instrumentationLibrarySpans', 'instrumentation_library_spans'],
      items: ['spans', 'spans'],
      rejectCode: 'span_rejected',
    },
    (o) => ({
      traceId: requiredId(ctx, o, 'traceId', 'trace_id', 16),
      spanId: requiredId(ctx, o, 'spanId', 'span_id', 8),
      parentSpanId: optionalId(ctx, o, 'parentSpanId', 'parent_span_id', 8),
      name: itemString(o, 'name', 'name'),
      kind: itemEnum(ctx, o, 'kind', 'kind', KIND_NAMES, 5) as SpanKindCode,
      startTimeUs: itemTimeUs(o, 'startTimeUnixNano', 'start_time_unix_nano'),
      endTimeUs: itemTimeUs(o, 'endTimeUnixNano', 'end_time_unix_nano'),
      attributes: attributes(ctx, o, 'attributes'),
      events: events(ctx, o),
      links: links(ctx, o),
      status: status(ctx, o),
    }),
  );
}

export function decodeLogsJson(ctx: JsonContext, root: Json): Collected<OtlpLogRecord> {
  return walk<OtlpLogRecord>(
    ctx,
    root,
    {
      resource: ['resourceLogs', 'resource_logs'],
      scope: ['scopeLogs', 'scope_logs'],
      legacyScope: ['instrumentationLibraryLogs', 'instrumentation_library_logs'],
      items: ['logRecords', 'log_records'],
      rejectCode: 'log_rejected',
    },
    (o) => ({
      timeUs: itemTimeUs(o, 'timeUnixNano', 'time_unix_nano'),
      observedTimeUs: itemTimeUs(o, 'observedTimeUnixNano', 'observed_time_unix_nano'),
      traceId: optionalId(ctx, o, 'traceId', 'trace_id', 16),
      spanId: optionalId(ctx, o, 'spanId', 'span_id', 8),
      eventName: itemString(o, 'eventName', 'event_name'),
      severityNumber: itemEnum(ctx, o, 'severityNumber', 'severity_number', SEVERITY_NAMES, 24),
      severityText: itemString(o, 'severityText', 'severity_text'),
      body: anyValue(ctx, get(o, 'body', 'body'), 'body'),
      attributes: attributes(ctx, o, 'attributes'),
    }),
  );
}
