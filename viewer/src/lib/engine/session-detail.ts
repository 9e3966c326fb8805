/** A conversation out of its session's rows, as sessionRowsFast or the session queries give them. */
import { buildSessionDetail } from '@parley/shared/conversation';
import type { SessionRows } from '@parley/shared/session-fast';
import { mapCalls, mapMessages, mapSpanExtent } from '@parley/shared/sql/rows';
import type { SessionDetail } from '@parley/shared/view';

export function sessionDetailFromRows(key: string, rows: SessionRows): SessionDetail {
  return buildSessionDetail(
    key,
    mapCalls(rows.calls),
    mapMessages(rows.messages),
    mapSpanExtent(rows.extent),
    mapCalls(rows.embeddings),
  );
}
