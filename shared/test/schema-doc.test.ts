import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchemaDoc } from '../src/schema-doc.ts';
import { TABLES } from '../src/schema.ts';

describe('docs/schema.md', () => {
  const rendered = renderSchemaDoc();

  it('is up to date with shared/src/schema.ts (run scripts/gen-schema-doc)', () => {
    const committed = readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8');
    expect(committed).toBe(rendered);
  });

  it('documents every column of every table', () => {
    for (const columns of Object.values(TABLES)) {
      for (const c of columns) expect(rendered).toContain(`| \`${c.name}\` | ${c.type} |`);
    }
  });
});
