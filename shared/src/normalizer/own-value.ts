/**
 * A constant table looked up by a name from telemetry. Plain object tables inherit
 * `constructor`, `toString`, `__proto__`…: an event named "constructor" got `Object` back as its
 * role and stalled every flush. Only the table's own entries answer.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
