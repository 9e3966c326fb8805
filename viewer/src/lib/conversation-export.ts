/** One conversation as a JSON or Markdown document, built from the reconstructed SessionDetail. */
import type { SessionDetail } from '@parley/shared/view';
import { formatCost, formatDuration, isoTime } from './format.ts';
import { callNames, partViews, toolLabel, withCallNames } from './parts.ts';

export function conversationJson(detail: SessionDetail): string {
  return JSON.stringify(
    {
      session: detail.key,
      sessionId: detail.sessionId,
      traceIds: detail.traceIds,
      first: isoTime(detail.firstUs),
      last: isoTime(detail.lastUs),
      durationMs: detail.durationMs,
      models: detail.models,
      errors: detail.errors,
      totals: detail.totals,
      embeddings: detail.embeddings,
      rollup: detail.rollup,
      calls: detail.calls,
      messages: detail.messages.map((m) => ({
        ...m,
        time: isoTime(m.startUs),
        parts: parseParts(m.parts),
      })),
    },
    null,
    2,
  );
}

function parseParts(parts: string | null): unknown {
  if (parts == null) return null;
  try {
    return JSON.parse(parts);
  } catch {
    return parts;
  }
}

/** A fence longer than any backtick run inside the text, so content cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function embeddingLines(e: SessionDetail['embeddings']): string[] {
  if (e === null) return [];
  const unpriced = e.unpricedCalls > 0 ? ` (${e.unpricedCalls} without a price)` : '';
  return [
    `- Embeddings, not in the figures above: ${e.calls} requests, ${e.inputTokens} tokens, ${formatCost(e.totalCostUsd)}${unpriced}`,
  ];
}

export function conversationMarkdown(detail: SessionDetail): string {
  const t = detail.totals;
  const lines: string[] = [
    `# Session ${detail.key}`,
    '',
    `- First activity: ${isoTime(detail.firstUs)}`,
    `- Duration: ${formatDuration(detail.durationMs)}`,
    `- Models: ${detail.models.join(', ') || '—'}`,
    `- LLM calls: ${t.llmCalls}; errors: ${detail.errors}`,
    // "—": no call reported the figure (not 0).
    `- Tokens: ${t.inputTokens ?? '—'} in, ${t.outputTokens ?? '—'} out, ${t.cachedInputTokens ?? '—'} cached`,
    `- Cost: ${formatCost(t.totalCostUsd)}${t.unpricedCalls > 0 ? ` (${t.unpricedCalls} calls without a price)` : ''}`,
    ...embeddingLines(detail.embeddings),
    '',
  ];
  const names = callNames(detail.messages);
  for (const m of detail.messages) {
    if (m.branch) lines.push('> **Branch:** the history diverges from here.', '');
    else if (m.continuesFrom)
      lines.push(`> **Taken up again** after other calls, from message ${m.continuesFrom}.`, '');
    const meta = [m.model, isoTime(m.startUs)].filter(Boolean).join(' · ');
    // Every tool a message calls or answers, as the title of its card lists them.
    const tools = toolLabel(m.toolName, withCallNames(partViews(m.parts, m.content), names));
    lines.push(`## ${m.role}${tools ? ` (${tools.title})` : ''}`, '', `_${meta}_`, '');
    if (m.content) {
      const f = fence(m.content);
      lines.push(`${f}text`, m.content, f, '');
    }
    // The parts as stored, unless they only repeat the text above.
    if (m.parts && partViews(m.parts, m.content).length > 0) {
      const f = fence(m.parts);
      lines.push(`${f}json`, m.parts, f, '');
    }
    if (m.callError) {
      const f = fence(m.callError);
      lines.push('**The model call failed:**', '', `${f}text`, m.callError, f, '');
    }
  }
  return lines.join('\n');
}
