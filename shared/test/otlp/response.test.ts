import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponse } from '../../src/otlp/decode.ts';

describe('encodeExportResponse, read back by the official deserializers', () => {
  it('protobuf traces partial success', () => {
    const body = encodeExportResponse(
      'traces',
      { rejected: 300, message: '300 spans had invalid ids — ✗' },
      'protobuf',
    );
    expect(ProtobufTraceSerializer.deserializeResponse(body)).toEqual({
      partialSuccess: { rejectedSpans: 300, errorMessage: '300 spans had invalid ids — ✗' },
    });
  });

  it('protobuf logs partial success', () => {
    const body = encodeExportResponse('logs', { rejected: 2, message: 'bad' }, 'protobuf');
    expect(ProtobufLogsSerializer.deserializeResponse(body)).toEqual({
      partialSuccess: { rejectedLogRecords: 2, errorMessage: 'bad' },
    });
  });

  it('full success is an empty message', () => {
    expect(encodeExportResponse('traces', null, 'protobuf').length).toBe(0);
    expect(
      ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('traces', null, 'protobuf')),
    ).toEqual({});
    expect(JsonTraceSerializer.deserializeResponse(encodeExportResponse('traces', null, 'json'))).toEqual({});
  });

  it('JSON uses the lowerCamelCase mapping with int64 as a string', () => {
    expect(
      JsonTraceSerializer.deserializeResponse(
        encodeExportResponse('traces', { rejected: 1, message: 'm' }, 'json'),
      ),
    ).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'm' },
    });
    expect(
      JsonLogsSerializer.deserializeResponse(
        encodeExportResponse('logs', { rejected: 4, message: '' }, 'json'),
      ),
    ).toEqual({
      partialSuccess: { rejectedLogRecords: '4', errorMessage: '' },
    });
  });
});
