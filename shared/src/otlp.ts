/**
 * Decoded OTLP, as the collector's decoders (protobuf and JSON) hand it to the normalizer.
 * One shape for both encodings so the normalizer never sees wire details.
 *
 * Times are microseconds since the Unix epoch as plain numbers (the contract stores µs, and
 * 2^53 µs is year 2255, so no precision is lost while staying off BigInt in the hot path).
 * Ids are lowercase hex; an absent parent is ''.
 */

/** OTLP AnyValue: kvlist -> plain object, array -> array, bytes -> base64 string,
 * int64 -> number when it is a safe integer, otherwise its decimal string. */
export type AnyValue = string | number | boolean | null | AnyValue[] | { [key: string]: AnyValue };

export type Attributes = Record<string, AnyValue>;

export interface OtlpScope {
  name: string;
  version: string;
}

export interface OtlpEvent {
  timeUs: number;
  name: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** SpanKind as in the proto: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type SpanKindCode = 0 | 1 | 2 | 3 | 4 | 5;
/** Status code as in the proto: 0 unset, 1 ok, 2 error. */
export type StatusCodeNumber = 0 | 1 | 2;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: SpanKindCode;
  startTimeUs: number;
  endTimeUs: number;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  status: { code: StatusCodeNumber; message: string };
  /** Shared by reference between the spans of one ResourceSpans: do not mutate. */
  resource: Attributes;
  scope: OtlpScope;
}

export interface OtlpLogRecord {
  timeUs: number;
  observedTimeUs: number;
  traceId: string;
  spanId: string;
  /** LogRecord.event_name (newer SDKs); '' when absent. The attribute `event.name` stays in attributes. */
  eventName: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  resource: Attributes;
  scope: OtlpScope;
}

/** A problem found while decoding or normalizing: recorded, never thrown. */
export interface Problem {
  /** Stable machine code, e.g. 'invalid_json', 'absurd_token_count', 'attribute_truncated'. */
  code: string;
  /** The attribute or field concerned, when there is one. */
  field?: string;
  message: string;
}
