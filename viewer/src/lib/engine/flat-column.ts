/**
 * Every row of one flat (not nested) column, decoded page by page with hyparquet's own page
 * readers but without its list assembly: for a nullable column without nulls that builds a level
 * array and pushes value by value, which with the per-value string conversion was most of the
 * time spent decoding the session summaries' ranking columns. Three common cases skip hyparquet's
 * per-value objects too: PLAIN UTF-8 strings are cut from one string per page (the values
 * stringFromBytes gives), and PLAIN INT64 microsecond timestamps and integers are read as two
 * 32-bit halves (the numbers Number(bigint) gives: one rounding of the exact value either way).
 */
import type { AsyncBuffer, Compressors, DecodedArray, FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getSchemaPath, isFlatColumn } from 'hyparquet/src/schema.js';
import { FNV_OFFSET, FNV_PRIME } from '@parley/shared/sessions-page-fast';

type ColumnDecoder = Parameters<typeof readDataPage>[2];
type Parsers = Partial<ColumnDecoder['parsers']>;

const utf8 = new TextDecoder();
const singleByte = new TextDecoder('windows-1252');

export interface FlatColumn {
  /** One per row, null where NULL. */
  values: unknown[];
  /**
   * For a string column read from PLAIN pages of ASCII values only: stringHash() of each row's
   * value, computed while its bytes are checked anyway (the session index groups by it). For an
   * integer column read from PLAIN pages: each value's low 32 bits, which with the value as a
   * number tell every 64-bit value apart (the session index groups by session_key). Else null.
   */
  hashes: Int32Array | null;
}

/**
 * The column's values; null when the column is not flat (use parquetRead). With `groups`, only
 * the rows of those row groups (by index) are read; the others stay undefined.
 */
export async function readFlatColumn(
  file: AsyncBuffer,
  metadata: FileMetaData,
  name: string,
  parsers: Parsers,
  compressors: Compressors | undefined,
  groups?: ReadonlySet<number>,
): Promise<FlatColumn | null> {
  const schemaPath = getSchemaPath(metadata.schema, [name]);
  const leaf = schemaPath[schemaPath.length - 1];
  if (!leaf || !isFlatColumn(schemaPath)) return null;
  const rows = Number(metadata.num_rows);
  // Every row is written (NULL too), and nothing else: a column of timestamps stays an array of
  // unboxed doubles, not 100k heap numbers for the garbage collector to copy.
  const out: FlatColumn = { values: new Array<unknown>(rows), hashes: new Int32Array(rows) };
  let at = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    if (groups && !groups.has(index)) {
      at += Number(group.num_rows);
      continue;
    }
    const meta = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === name)?.meta_data;
    if (!meta) return null;
    let start = Number(meta.dictionary_page_offset ?? 0);
    if (!start || Number(meta.data_page_offset) < start) start = Number(meta.data_page_offset);
    const bytes = await file.slice(start, start + Number(meta.total_compressed_size));
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type: leaf.element.type ?? meta.type,
      element: leaf.element,
      schemaPath,
      codec: meta.codec,
      parsers: { ...DEFAULT_PARSERS, ...parsers },
      compressors,
    };
    const groupRows = Number(group.num_rows);
    const noNulls = meta.statistics?.null_count !== undefined && Number(meta.statistics.null_count) === 0;
    const read = readChunk(new Uint8Array(bytes), decoder, groupRows, noNulls, out, at);
    if (read !== groupRows) return null;
    at += groupRows;
  }
  return out;
}

/**
 * Decodes one column chunk into out's rows from `at`; returns the number of rows it held.
 * `noNulls`: the chunk's statistics count no NULL, so its levels need not be read.
 */
function readChunk(
  chunk: Uint8Array,
  decoder: ColumnDecoder,
  rows: number,
  noNulls: boolean,
  out: FlatColumn,
  at: number,
): number {
  const reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  const maxDefinition = getMaxDefinitionLevel(decoder.schemaPath);
  let dictionary: DecodedArray | undefined;
  let read = 0;
  while (read < rows && reader.offset < chunk.byteLength - 1) {
    const header = parquetHeader(reader);
    const compressed = chunk.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE' && header.dictionary_page_header) {
      const page = decompressPage(
        compressed,
        header.uncompressed_page_size,
        decoder.codec,
        decoder.compressors,
      );
      const pageReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      const values = readPlain(
        pageReader,
        decoder.type,
        header.dictionary_page_header.num_values,
        decoder.element.type_length,
      );
      dictionary = convert(values, decoder);
    } else if (header.type === 'DATA_PAGE' && header.data_page_header) {
      const daph = header.data_page_header;
      const page = decompressPage(
        compressed,
        header.uncompressed_page_size,
        decoder.codec,
        decoder.compressors,
      );
      const fast =
        daph.encoding === 'PLAIN' &&
        plainPage(page, daph.num_values, decoder, maxDefinition, noNulls, out, at + read);
      if (!fast) {
        const { definitionLevels, dataPage } = readDataPage(page, daph, decoder);
        const values = numbers(convertWithDictionary(dataPage, dictionary, daph.encoding, decoder), decoder);
        place(out.values, at + read, values, definitionLevels, maxDefinition);
        out.hashes = null;
      }
      read += daph.num_values;
    } else if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2) {
      const daph2 = header.data_page_header_v2;
      const { definitionLevels, dataPage } = readDataPageV2(compressed, header, decoder);
      const values = numbers(convertWithDictionary(dataPage, dictionary, daph2.encoding, decoder), decoder);
      place(out.values, at + read, values, definitionLevels, maxDefinition);
      out.hashes = null;
      read += daph2.num_rows;
    } else if (header.type !== 'INDEX_PAGE') {
      return -1;
    }
  }
  return read;
}

/** An integer column's values as plainPage gives them: numbers, whatever the page's encoding. */
function numbers(values: DecodedArray, decoder: ColumnDecoder): ArrayLike<unknown> {
  if (kindOf(decoder) !== 'int64') return values;
  return Array.from(values as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Values in row order; with levels, a row whose level is below the maximum is NULL. */
function place(
  out: unknown[],
  at: number,
  values: ArrayLike<unknown>,
  levels: ArrayLike<number> | undefined,
  maxDefinition: number,
): void {
  if (!levels || levels.length === 0) {
    for (let i = 0; i < values.length; i++) out[at + i] = values[i];
    return;
  }
  let v = 0;
  for (let i = 0; i < levels.length; i++) out[at + i] = levels[i] === maxDefinition ? values[v++] : null;
}

type Kind = 'string' | 'micros' | 'int64' | null;

/**
 * Which columns plainPage reads itself: what convert() would turn into strings, µs numbers or
 * signed 64-bit integers (given as numbers, not bigints).
 */
function kindOf(decoder: ColumnDecoder): Kind {
  const { type, converted_type: ctype, logical_type: ltype } = decoder.element;
  if (type === 'BYTE_ARRAY' && (ctype === 'UTF8' || ltype?.type === 'STRING')) return 'string';
  if (type === 'INT64' && ctype === 'TIMESTAMP_MICROS') return 'micros';
  if (type === 'INT64' && !ctype && ltype?.type === 'TIMESTAMP' && ltype.unit === 'MICROS') return 'micros';
  if (type === 'INT64' && (ctype === 'INT_64' || (!ctype && !ltype))) return 'int64';
  return null;
}

/**
 * Decodes a PLAIN data page (V1, flat) of strings or µs timestamps into out's rows from `at`;
 * false for any other column. With `noNulls`, the levels of a nullable column are skipped unread.
 */
function plainPage(
  page: Uint8Array,
  count: number,
  decoder: ColumnDecoder,
  maxDefinition: number,
  noNulls: boolean,
  out: FlatColumn,
  at: number,
): boolean {
  const kind = kindOf(decoder);
  if (!kind) return false;
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const reader = { view, offset: 0 };
  let levels: number[] | null = null;
  if (maxDefinition > 0 && noNulls) {
    // RLE/bit-packed levels behind their 4-byte length, as readRleBitPackedHybrid reads them.
    reader.offset = 4 + view.getUint32(0, true);
  } else if (maxDefinition > 0) {
    levels = new Array<number>(count);
    readRleBitPackedHybrid(reader, 32 - Math.clz32(maxDefinition), levels);
  }
  const { values } = out;
  let p = reader.offset;
  if (kind === 'micros' || kind === 'int64') {
    const low = kind === 'int64' ? out.hashes : null;
    for (let i = 0; i < count; i++) {
      if (levels && levels[i] !== maxDefinition) {
        values[at + i] = null;
        continue;
      }
      const lo = view.getInt32(p, true);
      values[at + i] = view.getInt32(p + 4, true) * 4294967296 + (lo >>> 0);
      if (low) low[at + i] = lo;
      p += 8;
    }
    if (!low) out.hashes = null;
    return true;
  }
  // One character per byte: ASCII values are exact substrings; the rest are decoded as UTF-8.
  const base = p;
  const text = binaryString(page, base);
  for (let i = 0; i < count; i++) {
    if (levels && levels[i] !== maxDefinition) {
      values[at + i] = null;
      continue;
    }
    const length = view.getUint32(p, true);
    const from = p + 4;
    p = from + length;
    let h = FNV_OFFSET;
    let ascii = true;
    for (let b = from; b < p; b++) {
      const c = page[b] as number;
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (ascii) {
      values[at + i] = text.slice(from - base, p - base);
      if (out.hashes) out.hashes[at + i] = h;
    } else {
      values[at + i] = utf8.decode(page.subarray(from, p));
      out.hashes = null;
    }
  }
  return true;
}

/**
 * The bytes from `from` on as a string of one UTF-16 unit per byte (windows-1252, as the Encoding
 * standard defines it, maps every byte to one BMP character; ASCII to itself).
 */
function binaryString(bytes: Uint8Array, from: number): string {
  return singleByte.decode(bytes.subarray(from));
}
