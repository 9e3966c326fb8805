/** Groups spans by their resource and scope objects (by identity, in first-seen order). */
import type { Attributes, OtlpScope, OtlpSpan } from '@parley/shared/otlp';

export interface ResourceGroup {
  resource: Attributes;
  scopes: { scope: OtlpScope; spans: OtlpSpan[] }[];
}

export function groupByResourceAndScope(spans: readonly OtlpSpan[]): ResourceGroup[] {
  const groups = new Map<Attributes, Map<OtlpScope, OtlpSpan[]>>();
  for (const s of spans) {
    let scopes = groups.get(s.resource);
    if (!scopes) groups.set(s.resource, (scopes = new Map()));
    let list = scopes.get(s.scope);
    if (!list) scopes.set(s.scope, (list = []));
    list.push(s);
  }
  return [...groups].map(([resource, scopes]) => ({
    resource,
    scopes: [...scopes].map(([scope, list]) => ({ scope, spans: list })),
  }));
}
