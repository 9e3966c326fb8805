/**
 * Feeds the collector with the captured JSON fixtures, the crafted XSS trace and 60 small sessions. Every library
 * captured the same scenario under the same session ids, so each library's ids get a prefix
 * (`<library>/<id>`); otherwise five libraries' calls would merge into one session and no longer
 * match any single ground truth.
 */
import { listFixtures, type GroundTruthSession } from '@parley/test-data/fixtures';
import { post, waitFlushed } from './collector.ts';
import { loadTraceBody } from './load-body.ts';
import { xssTraceBody } from './xss-body.ts';

export interface SeededSession extends GroundTruthSession {
  library: string;
}

function prefixed(text: string, ids: string[], library: string): string {
  let out = text;
  for (const id of ids) out = out.split(id).join(`${library}/${id}`);
  return out;
}

export async function seed(base: string): Promise<SeededSession[]> {
  const sessions: SeededSession[] = [];
  for (const fixture of listFixtures().filter((f) => f.name.endsWith('-json'))) {
    const library = fixture.name.replace(/-json$/, '');
    const ids = fixture.groundTruth.sessions.flatMap((s) => (s.session_id ? [s.session_id] : []));
    for (const body of fixture.bodies) {
      const text = prefixed(new TextDecoder().decode(body.bytes), ids, library);
      await post(
        base,
        body.signal === 'traces' ? '/v1/traces' : '/v1/logs',
        new TextEncoder().encode(text),
        'application/json',
      );
    }
    for (const s of fixture.groundTruth.sessions) {
      sessions.push({ ...s, library, session_id: s.session_id ? `${library}/${s.session_id}` : null });
    }
  }
  const now = Date.now();
  await post(base, '/v1/traces', xssTraceBody(now), 'application/json');
  await post(base, '/v1/traces', loadTraceBody(now), 'application/json');
  await waitFlushed(base);
  return sessions;
}
