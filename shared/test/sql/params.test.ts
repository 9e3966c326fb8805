/** User values never reach the SQL text of a builder: they travel as parameters, one `?` each. */
import { describe, expect, it } from 'vitest';
import type { SqlQuery } from '../../src/sql/query.ts';
import { sessionCalls, sessionMessages, sessionTotals } from '../../src/sql/session.ts';
import { modelCounts, sessionsAll, sessionsPage } from '../../src/sql/sessions.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { ViewState } from '../../src/view.ts';

const HOSTILE = 'x\'hostile"; DROP TABLE spans; --?';

function placeholders(sql: string): number {
  return [...sql.replace(/'[^']*'/g, "''")].filter((c) => c === '?').length;
}

describe('parameters', () => {
  const views: ViewState[] = [
    { ...defaultViewState(), search: HOSTILE, models: [HOSTILE, `${HOSTILE}2`] },
    { ...defaultViewState(), search: HOSTILE, time: { kind: 'absolute', fromUs: 1, toUs: 2 }, page: 7 },
  ];
  const queries: [string, SqlQuery][] = views.flatMap((v): [string, SqlQuery][] => [
    ['sessionsPage', sessionsPage(v, 1e15)],
    ['sessionsPage rollup', sessionsPage(v, 1e15, { rollup: true })],
    ['sessionsAll', sessionsAll(v, 1e15)],
    ['modelCounts', modelCounts(v, 1e15)],
    ['timeseries', timeseries(v, 1e15)],
  ]);
  for (const key of [HOSTILE, `trace:${HOSTILE}`]) {
    queries.push(
      ['sessionCalls', sessionCalls(key)],
      ['sessionMessages', sessionMessages(key)],
      ['sessionTotals', sessionTotals(key)],
    );
  }

  it('keep hostile text out of the SQL and bind it, one placeholder per value', () => {
    for (const [name, q] of queries) {
      expect(q.sql, name).not.toContain('hostile');
      expect(
        q.params.some((v) => typeof v === 'string' && v.includes('hostile')),
        name,
      ).toBe(true);
      expect(placeholders(q.sql), name).toBe(q.params.length);
    }
  });

  it('expand a model list into one placeholder per model', () => {
    const one = sessionsPage({ ...defaultViewState(), models: ['a'] }, 0);
    const three = sessionsPage({ ...defaultViewState(), models: ['a', 'b', 'c'] }, 0);
    expect(three.params.length - one.params.length).toBe(2);
    expect(three.params).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });

  it('fall back to the default sort for a sort key that is not in the table', () => {
    const bogus = { ...defaultViewState(), sort: { key: 'x; DROP' as never, dir: 'sideways' as never } };
    expect(sessionsPage(bogus, 0).sql).toBe(sessionsPage(defaultViewState(), 0).sql);
  });
});
