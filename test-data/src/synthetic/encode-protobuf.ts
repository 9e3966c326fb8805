/** OtlpSpan[] -> ExportTraceServiceRequest protobuf, grouping spans by resource and scope. */
import type { AnyValue, Attributes, OtlpScope, OtlpSpan } from '@parley/shared/otlp';
import { groupByResourceAndScope } from './group.ts';
import {
  type Writer,
  begin,
  bytes,
  createWriter,
  double,
  end,
  finish,
  fixed64Micros,
  int64,
  string,
  tag,
  varint,
} from './protobuf-writer.ts';

const HEX_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(i)] = i;
}

function idBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = (HEX_VALUES[hex.charCodeAt(2 * i)]! << 4) | HEX_VALUES[hex.charCodeAt(2 * i + 1)]!;
  }
  return out;
}

function anyValue(w: Writer, v: AnyValue): void {
  if (typeof v === 'string') string(w, 1, v);
  else if (typeof v === 'boolean') {
    tag(w, 2, 0);
    varint(w, v ? 1 : 0);
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) {
      tag(w, 3, 0);
      int64(w, v);
    } else {
      tag(w, 4, 1);
      double(w, v);
    }
  } else if (Array.isArray(v)) {
    const at = begin(w, 5);
    for (const item of v) {
      const it = begin(w, 1);
      anyValue(w, item);
      end(w, it);
    }
    end(w, at);
  } else if (v !== null) {
    const at = begin(w, 6);
    keyValues(w, 1, v);
    end(w, at);
  }
}

function keyValues(w: Writer, field: number, attrs: Attributes): void {
  for (const key of Object.keys(attrs)) {
    const at = begin(w, field);
    string(w, 1, key);
    const vt = begin(w, 2);
    anyValue(w, attrs[key]!);
    end(w, vt);
    end(w, at);
  }
}

function scope(w: Writer, s: OtlpScope): void {
  const at = begin(w, 1);
  string(w, 1, s.name);
  if (s.version) string(w, 2, s.version);
  end(w, at);
}

function span(w: Writer, s: OtlpSpan): void {
  const at = begin(w, 2);
  bytes(w, 1, idBytes(s.traceId));
  bytes(w, 2, idBytes(s.spanId));
  if (s.parentSpanId) bytes(w, 4, idBytes(s.parentSpanId));
  string(w, 5, s.name);
  if (s.kind !== 0) {
    tag(w, 6, 0);
    varint(w, s.kind);
  }
  tag(w, 7, 1);
  fixed64Micros(w, s.startTimeUs);
  tag(w, 8, 1);
  fixed64Micros(w, s.endTimeUs);
  keyValues(w, 9, s.attributes);
  for (const e of s.events) {
    const et = begin(w, 11);
    tag(w, 1, 1);
    fixed64Micros(w, e.timeUs);
    string(w, 2, e.name);
    keyValues(w, 3, e.attributes);
    end(w, et);
  }
  for (const l of s.links) {
    const lt = begin(w, 13);
    bytes(w, 1, idBytes(l.traceId));
    bytes(w, 2, idBytes(l.spanId));
    keyValues(w, 4, l.attributes);
    end(w, lt);
  }
  if (s.status.code !== 0 || s.status.message) {
    const st = begin(w, 15);
    if (s.status.message) string(w, 2, s.status.message);
    if (s.status.code !== 0) {
      tag(w, 3, 0);
      varint(w, s.status.code);
    }
    end(w, st);
  }
  end(w, at);
}

/** Encodes spans as one OTLP/protobuf ExportTraceServiceRequest body. */
export function encodeTracesRequest(spans: readonly OtlpSpan[]): Uint8Array {
  const w = createWriter(Math.max(1 << 16, spans.length * 4096));
  for (const group of groupByResourceAndScope(spans)) {
    const rt = begin(w, 1);
    const res = begin(w, 1);
    keyValues(w, 1, group.resource);
    end(w, res);
    for (const scoped of group.scopes) {
      const st = begin(w, 2);
      scope(w, scoped.scope);
      for (const s of scoped.spans) span(w, s);
      end(w, st);
    }
    end(w, rt);
  }
  return finish(w);
}
