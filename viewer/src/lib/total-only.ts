/**
 * Calls that reported only a total cost (no input/output split) put all of it on the message
 * holding their output (conversation.ts, costSides). The role rollup still sums to the call
 * totals; these notes say which rows hold such totals and which rows' input cost is inside them,
 * so a prompt row reads "—" with the reason rather than "no price". Pure.
 */
import type { ConversationMessage } from '@parley/shared/view';
import { preciseCost } from './format.ts';

export interface TotalOnlyNote {
  /** Calls whose whole cost this role's messages carry, and the sum of those costs. */
  totals: number;
  totalsUsd: number;
  /** Calls this role's messages sent whose input side is inside a total held by another message. */
  inputsInTotals: number;
}

export function totalOnlyNotes(messages: readonly ConversationMessage[]): Map<string, TotalOnlyNote> {
  const notes = new Map<string, TotalOnlyNote>();
  for (const m of messages) {
    if (!m.metrics.costTotalOnly) continue;
    let note = notes.get(m.role);
    if (!note) {
      note = { totals: 0, totalsUsd: 0, inputsInTotals: 0 };
      notes.set(m.role, note);
    }
    if (m.metrics.outputCostUsd != null) {
      note.totals++;
      note.totalsUsd += m.metrics.outputCostUsd;
    } else {
      note.inputsInTotals++;
    }
  }
  return notes;
}

function calls(n: number): string {
  return n === 1 ? '1 call' : `${n} calls`;
}

/** The title of a role's cost cell that a note applies to; null when none does. */
export function totalOnlyTitle(note: TotalOnlyNote | undefined): string | null {
  if (!note) return null;
  const lines: string[] = [];
  if (note.totals > 0)
    lines.push(
      `Includes ${preciseCost(note.totalsUsd)}: the whole cost of ${calls(note.totals)} that reported only a total, input and output not split.`,
    );
  if (note.inputsInTotals > 0)
    lines.push(
      `Input cost not split: ${calls(note.inputsInTotals)} sent by these messages reported only a total cost, counted with the answer (input and output together).`,
    );
  return lines.length === 0 ? null : lines.join('\n');
}
