import type { AnyValue, Attributes } from '../otlp.ts';

/**
 * Regroups flattened indexed attributes (`prefix.{i}.rest`) by numeric index, in numeric order
 * (10 after 9), tolerating gaps. Each group maps `rest` -> value.
 */
export function indexedGroups(
  attrs: Attributes,
  prefix: string,
): Array<{ index: number; fields: Attributes }> {
  const head = `${prefix}.`;
  // Spans are probed for several conventions' prefixes: no allocation unless a key matches.
  let groups: Map<number, Attributes> | null = null;
  for (const key in attrs) {
    if (!key.startsWith(head) || !Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    const dot = key.indexOf('.', head.length);
    const indexText = dot === -1 ? key.slice(head.length) : key.slice(head.length, dot);
    if (!/^\d{1,6}$/.test(indexText) || dot === -1) continue;
    const index = Number(indexText);
    groups ??= new Map<number, Attributes>();
    let fields = groups.get(index);
    if (fields === undefined) {
      fields = Object.create(null) as Attributes;
      groups.set(index, fields);
    }
    fields[key.slice(dot + 1)] = attrs[key] as AnyValue;
  }
  if (groups === null) return [];
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([index, fields]) => ({ index, fields }));
}
