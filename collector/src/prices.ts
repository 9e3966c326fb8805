/**
 * The pricer for the pipeline: the bundled price table, plus the user's override file if any.
 */
import fs from 'node:fs/promises';
import { createPricer, parsePriceOverrides, type Pricer } from '@parley/shared/pricing/index';

export type PricerResult = { ok: true; pricer: Pricer } | { ok: false; error: string };

export async function loadPricer(overridesFile: string | null): Promise<PricerResult> {
  if (overridesFile === null) return { ok: true, pricer: createPricer() };
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(overridesFile, 'utf8'));
  } catch (error) {
    return { ok: false, error: `cannot read price overrides ${overridesFile}: ${(error as Error).message}` };
  }
  const overrides = parsePriceOverrides(json);
  if (!overrides.ok)
    return { ok: false, error: `invalid price overrides ${overridesFile}: ${overrides.error}` };
  return { ok: true, pricer: createPricer({ overrides: overrides.value }) };
}
