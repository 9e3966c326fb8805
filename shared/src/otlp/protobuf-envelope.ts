/**
 * The envelope every OTLP export request shares: repeated Resource{Spans,Logs} (field 1), each a
 * Resource (1) and repeated Scope{Spans,Logs} (2), each an InstrumentationScope (1) and the
 * repeated signal items (2). Signal decoders supply only the item decoder and the field names.
 */
import type { Attributes, OtlpScope } from '../otlp.ts';
import { decodeResource, decodeScope, nextTag } from './protobuf-common.ts';
import {
  type Cursor,
  WIRE_LEN,
  enter,
  expectEnd,
  leave,
  readMessageEnd,
  skipField,
  wrongWireType,
} from './wire.ts';

export interface Collected<T> {
  items: T[];
  rejected: number;
}

/** What the envelope attaches to each item once its resource and scope are known. */
export interface Enveloped {
  resource: Attributes;
  scope: OtlpScope;
}

/** The signal's field names, for error paths: e.g. resource_spans, scope_spans, spans. */
export interface EnvelopeFields {
  resource: string;
  scope: string;
  items: string;
}

/** Decodes one item; null rejects it (the decoder records why). */
export type ItemDecoder<T> = (c: Cursor, wt: number, limit: number) => T | null;

/** Placeholders an item decoder returns; the envelope replaces them. */
export const PENDING_RESOURCE: Attributes = {};
export const PENDING_SCOPE: OtlpScope = { name: '', version: '' };

export function decodeExportRequest<T extends Enveloped>(
  c: Cursor,
  fields: EnvelopeFields,
  decodeItem: ItemDecoder<T>,
): Collected<T> {
  const out: Collected<T> = { items: [], rejected: 0 };
  const end = c.buf.length;
  let index = 0;
  while (c.pos < end) {
    const tag = nextTag(c);
    const wt = tag & 7;
    if (tag >>> 3 === 1) {
      enter(c, fields.resource, index++);
      decodeResourceEnvelope(c, wt, end, fields, decodeItem, out);
      leave(c);
    } else skipField(c, wt, end, tag >>> 3);
  }
  return out;
}

function decodeResourceEnvelope<T extends Enveloped>(
  c: Cursor,
  wt: number,
  limit: number,
  fields: EnvelopeFields,
  decodeItem: ItemDecoder<T>,
  out: Collected<T>,
): void {
  if (wt !== WIRE_LEN) throw wrongWireType(c, fields.resource, wt, WIRE_LEN);
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
        enter(c, fields.scope, index++);
        decodeScopeEnvelope(c, twt, end, fields, decodeItem, out);
        leave(c);
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, fields.resource);
  // The resource may follow its items on the wire, so it is attached afterwards.
  for (let i = first; i < out.items.length; i++) out.items[i]!.resource = resource;
}

function decodeScopeEnvelope<T extends Enveloped>(
  c: Cursor,
  wt: number,
  limit: number,
  fields: EnvelopeFields,
  decodeItem: ItemDecoder<T>,
  out: Collected<T>,
): void {
  if (wt !== WIRE_LEN) throw wrongWireType(c, fields.scope, wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const first = out.items.length;
  let scope: OtlpScope = PENDING_SCOPE;
  let index = 0;
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        scope = decodeScope(c, twt, end);
        break;
      case 2: {
        enter(c, fields.items, index++);
        const item = decodeItem(c, twt, end);
        leave(c);
        if (item) out.items.push(item);
        else out.rejected++;
        break;
      }
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, fields.scope);
  if (scope === PENDING_SCOPE) scope = { name: '', version: '' };
  for (let i = first; i < out.items.length; i++) out.items[i]!.scope = scope;
}
