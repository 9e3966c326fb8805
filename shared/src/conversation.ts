/**
 * Conversation reconstruction and per-role attribution (ARCHITECTURE.md, "Conversation
 * reconstruction" and "Token and cost attribution per role"). Pure; runs in the viewer's worker.
 *
 * Rules, in order of the calls (start time, then span id):
 * - The context of a call whose inputs were captured is its inputs, then one of its outputs (any
 *   of its choices may be the one re-sent). A call's input messages are compared with the contexts
 *   of all earlier such calls: the one sharing the longest common prefix (by content_hash) with
 *   them is the call it continues; on a tie, the latest. That prefix is already shown; the rest of
 *   the inputs are new and shown. Comparing with every earlier call, not just the previous one,
 *   is what keeps interleaved threads apart: parallel sub-agents in one session, or a planner
 *   resuming after its sub-agents.
 * - If the call does not re-send that whole context (edited or truncated history, a regenerated
 *   answer), the first message shown for the call gets `branch: true`; but only when the shared
 *   prefix holds a message other than a system message. A call sharing nothing, or only its system
 *   prompt, starts a thread of its own and is not a branch: history kept by the server (the
 *   Responses API, or any app sending only the new message) and a sub-agent reusing its parent's
 *   instructions look exactly like that. So does an edited first user message, which therefore
 *   shows without a branch marker.
 * - A call whose leading system messages differ from the earlier calls' (instructions carrying
 *   the time, retrieved context or memory, rewritten on every call) shares little or no prefix
 *   with them through those, so its other inputs are also compared with the contexts of the
 *   earlier calls without their leading system messages. When they share more that way, and the
 *   whole of that call's context, the call continues it as above, and shows the system messages
 *   the call it continues did not send before its new inputs, rather than the whole history again
 *   on every call. Sharing only part of it (a router's specialist sent the user's message under
 *   its own instructions) starts a thread of its own, as before.
 * - Then the call's outputs are shown (every choice).
 * - A tool result that names only the call it answers is named by the tool that call made, found
 *   by its id among the session's messages.
 * - Input tokens/cost go to the first new input message of the call. If the call has no new input
 *   message, they go to its first output message; output tokens/cost go to its first output
 *   message, else to the message holding its input metrics. A call that shows no message at all
 *   (content capture off, or an identical retry that failed) gets a placeholder message (seq -1,
 *   role 'assistant', no content; see isPlaceholder) so every call stays visible and counted.
 * - Cost split: input_cost/output_cost when known; when only the total is known, the unknown side
 *   is total minus the known side, and a total with no split at all goes to the output side whole,
 *   marked `costTotalOnly` on both sides; the input side then has no cost of its own.
 *   The sides always add up to the call's total (costSides).
 *   Every call's cost is therefore attributed once, and the role rollup sums to the call totals.
 */
import type { CallSummary, ConversationMessage, MessageMetrics, RoleRollup, SessionDetail } from './view.ts';
import { callErrorText } from './call-error.ts';
import { parseSessionKey } from './sql/query.ts';

/** One message row of a session, as sql/rows.ts maps it from the messages query. */
export interface SessionMessage {
  traceId: string;
  spanId: string;
  startUs: number;
  seq: number;
  direction: 'input' | 'output';
  role: string;
  content: string | null;
  parts: string | null;
  toolCallId: string | null;
  toolName: string | null;
  finishReason: string | null;
  model: string | null;
  contentHash: string;
}

export const PLACEHOLDER_SEQ = -1;

/** A message that stands for a call whose messages were not captured. */
export function isPlaceholder(m: ConversationMessage): boolean {
  return m.seq === PLACEHOLDER_SEQ;
}

interface Turn {
  call: CallSummary;
  inputs: SessionMessage[];
  outputs: SessionMessage[];
  /** Messages whose span is not a known call: nothing was measured, so no badges to attribute. */
  orphan: boolean;
}

export function reconstructConversation(
  calls: readonly CallSummary[],
  messages: readonly SessionMessage[],
): ConversationMessage[] {
  const shown: ConversationMessage[] = [];
  const toolNames = toolNamesByCallId(messages);
  const contexts: Contexts = { whole: emptyNode(), conversation: emptyNode() };
  let previous: Turn | null = null;
  for (const turn of buildTurns(calls, messages)) {
    const walked = walk(contexts, turn.inputs);
    const { newInputs, diverged, from } = compareWithContexts(turn.inputs, walked);
    const turnMessages = [...newInputs, ...turn.outputs].map((m) =>
      toConversationMessage(m, turn.call, toolNames),
    );
    if (turnMessages.length === 0) turnMessages.push(placeholder(turn.call));
    const first = turnMessages[0];
    if (first && diverged) first.branch = true;
    // Going on from an earlier point than the call just before is worth saying where from.
    if (first && from !== null && (diverged || from.call !== previous)) first.continuesFrom = from.anchor;
    if (!turn.orphan) attributeMetrics(turn.call, turnMessages, newInputs.length);
    shown.push(...turnMessages);
    // Only a call whose inputs were captured defines a context a later call re-sends.
    if (turn.inputs.length > 0) {
      addContext(turn, walked);
      previous = turn;
    }
  }
  return shown;
}

/**
 * The contexts of the earlier calls as a trie keyed by content_hash, so that finding the longest
 * common prefix over all of them costs one walk along the call's inputs instead of a comparison
 * with each earlier call (a long session re-sends its whole history on every call).
 */
interface ContextNode {
  next: Map<string, ContextNode>;
  /** The latest call whose context runs through this node: ties on the longest prefix go to it. */
  call: Turn | null;
  /** The shown message this node stands for: where a later call that re-sends it goes on from. */
  anchor: string | null;
}

/**
 * `whole`: the contexts as sent. `conversation`: the same without their leading system messages,
 * for a call whose instructions changed (see the module comment).
 */
interface Contexts {
  whole: ContextNode;
  conversation: ContextNode;
}

function emptyNode(): ContextNode {
  return { next: new Map(), call: null, anchor: null };
}

/** How many of the messages, from the first, are system messages. */
function leadingSystem(messages: readonly SessionMessage[]): number {
  const i = messages.findIndex((m) => m.role !== 'system');
  return i === -1 ? messages.length : i;
}

/**
 * How far the call's inputs run along each trie: `whole` from the first input, `rest` from the
 * first after its `lead` leading system messages.
 */
interface Walked {
  whole: Match;
  rest: Match;
  lead: number;
}

interface Match {
  n: number;
  node: ContextNode;
  /** The nodes the first n messages walked through, in order. */
  path: ContextNode[];
}

function walk(contexts: Contexts, inputs: readonly SessionMessage[]): Walked {
  const lead = leadingSystem(inputs);
  return {
    whole: longestPrefix(contexts.whole, inputs, 0),
    rest: longestPrefix(contexts.conversation, inputs, lead),
    lead,
  };
}

/** `walked`: the call's inputs walked along the tries as they are before this call's context. */
function addContext(turn: Turn, walked: Walked): void {
  const { inputs, outputs } = turn;
  const { lead, whole, rest } = walked;
  // A node made now is a message shown now, or (in `whole`, behind instructions not seen before)
  // one the conversation trie names as shown by an earlier call; a node that exists keeps the
  // message shown first. The prefix the tries hold was walked by `walk`, and its nodes only change
  // hands: a long session re-sends its whole history with every call, so walking it again, or
  // building an anchor string per re-sent message, was most of this function's time and garbage.
  const shownAs: (string | null)[] = [];
  for (const n of rest.path) {
    n.call = turn;
    shownAs.push(n.anchor);
  }
  let node = rest.node;
  for (let i = lead + rest.n; i < inputs.length; i++) {
    node = step(node, inputs[i] as SessionMessage, turn, null);
    shownAs.push(node.anchor);
  }
  for (const o of outputs) step(node, o, turn, null);
  for (const n of whole.path) n.call = turn;
  node = whole.node;
  for (let i = whole.n; i < inputs.length; i++)
    node = step(node, inputs[i] as SessionMessage, turn, i < lead ? null : (shownAs[i - lead] ?? null));
  for (const o of outputs) step(node, o, turn, null);
}

/** The child of `node` for `m`, now run through by `turn`; made with `anchor` (else m's own). */
function step(node: ContextNode, m: SessionMessage, turn: Turn, anchor: string | null): ContextNode {
  let child = node.next.get(m.contentHash);
  if (child === undefined) {
    child = { next: new Map(), call: turn, anchor: anchor ?? anchorOf(m) };
    node.next.set(m.contentHash, child);
  } else child.call = turn;
  return child;
}

function anchorOf(m: SessionMessage): string {
  return `${m.spanId}:${m.seq}`;
}

/**
 * Groups messages by their call. Messages whose span is not among the calls (a log record that
 * arrived before its span was written) form a call of their own, without metrics.
 */
function buildTurns(calls: readonly CallSummary[], messages: readonly SessionMessage[]): Turn[] {
  const bySpan = new Map<string, Turn>();
  const key = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  for (const call of calls)
    bySpan.set(key(call.traceId, call.spanId), { call, inputs: [], outputs: [], orphan: false });
  // The queries give a call's messages one after another (sessionRowsFast and the SQL order by
  // call): the key is built and looked up once per run of a call's rows, not once per row. Any
  // order still groups the same (a run of one row is a lookup, as before).
  let turn: Turn | undefined;
  for (const m of messages) {
    if (turn === undefined || m.spanId !== turn.call.spanId || m.traceId !== turn.call.traceId) {
      const k = key(m.traceId, m.spanId);
      turn = bySpan.get(k);
      if (!turn) {
        turn = { call: orphanCall(m), inputs: [], outputs: [], orphan: true };
        bySpan.set(k, turn);
      }
    }
    (m.direction === 'output' ? turn.outputs : turn.inputs).push(m);
  }
  const turns = [...bySpan.values()];
  for (const t of turns) {
    sortBySeq(t.inputs);
    sortBySeq(t.outputs);
  }
  return turns.sort(
    (a, b) => a.call.startUs - b.call.startUs || compareStrings(a.call.spanId, b.call.spanId),
  );
}

/** Sorts by seq, unless already in order (as the queries give them). */
function sortBySeq(messages: SessionMessage[]): void {
  for (let i = 1; i < messages.length; i++) {
    if ((messages[i - 1] as SessionMessage).seq > (messages[i] as SessionMessage).seq) {
      messages.sort((a, b) => a.seq - b.seq);
      return;
    }
  }
}

/**
 * `from`: the call this one continues and the last message of its context that this one re-sends,
 * when they share more than system messages.
 */
function compareWithContexts(
  inputs: SessionMessage[],
  { whole, rest, lead }: Walked,
): { newInputs: SessionMessage[]; diverged: boolean; from: { call: Turn; anchor: string } | null } {
  // Behind instructions not sent before, or sent with another history, the conversation may
  // still go on from an earlier call's (`rest`): when it does further than in the contexts as sent.
  const best = rest.node.call;
  if (best === null || rest.n <= whole.n - lead) return continuing(inputs, [], whole, 0);
  // Only the whole of that call's conversation: a router's specialist, sent the user's message
  // under its own instructions, is a thread of its own, not an edit of the router's.
  const skipped = leadingSystem(best.inputs);
  if (rest.n < best.inputs.length - skipped + (best.outputs.length > 0 ? 1 : 0))
    return continuing(inputs, [], whole, 0);
  const sent = new Set(best.inputs.slice(0, skipped).map((m) => m.contentHash));
  const instructions = inputs.slice(0, lead).filter((m) => !sent.has(m.contentHash));
  return continuing(inputs.slice(lead), instructions, rest, skipped);
}

/**
 * The longest prefix of `inputs` from `start` on that some earlier context starts with, and where
 * it ends.
 */
function longestPrefix(root: ContextNode, inputs: readonly SessionMessage[], start: number): Match {
  let node = root;
  const path: ContextNode[] = [];
  for (let i = start; i < inputs.length; i++) {
    const child = node.next.get((inputs[i] as SessionMessage).contentHash);
    if (!child) break;
    node = child;
    path.push(node);
  }
  return { n: path.length, node, path };
}

/**
 * The call goes on from `match.node` after the first `match.n` of `inputs`; `skipped` leading
 * system messages of the call it continues are not part of that match's context.
 */
function continuing(
  inputs: SessionMessage[],
  instructions: SessionMessage[],
  match: { n: number; node: ContextNode },
  skipped: number,
): { newInputs: SessionMessage[]; diverged: boolean; from: { call: Turn; anchor: string } | null } {
  const { n, node } = match;
  const continues = inputs.slice(0, n).some((m) => m.role !== 'system');
  // The prefix ends inside the context of node.call: past its inputs only through one of its outputs.
  const best = node.call;
  const contextLength = best ? best.inputs.length - skipped + (best.outputs.length > 0 ? 1 : 0) : 0;
  const from = continues && best && node.anchor !== null ? { call: best, anchor: node.anchor } : null;
  return {
    newInputs: [...instructions, ...inputs.slice(n)],
    diverged: continues && n < contextLength,
    from,
  };
}

/**
 * The tool each call id names, from the tool calls the session's messages make. Most conventions
 * (OpenAI's tool message, OTel's tool_call_response) name only the call a result answers, so the
 * result's tool is the one that call named.
 */
function toolNamesByCallId(messages: readonly SessionMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of messages) {
    // The normalizer names a message that makes a call; the history re-sends it with every call.
    if (m.toolName === null || m.parts === null || seen.has(m.contentHash)) continue;
    seen.add(m.contentHash);
    if (!m.parts.includes('"tool_call"')) continue;
    let parts: unknown;
    try {
      parts = JSON.parse(m.parts);
    } catch {
      continue;
    }
    if (!Array.isArray(parts)) continue;
    for (const p of parts as unknown[]) {
      if (p === null || typeof p !== 'object') continue;
      const { type, id, name } = p as Record<string, unknown>;
      if (type === 'tool_call' && typeof id === 'string' && typeof name === 'string' && !names.has(id))
        names.set(id, name);
    }
  }
  return names;
}

function toConversationMessage(
  m: SessionMessage,
  call: CallSummary,
  toolNames: ReadonlyMap<string, string>,
): ConversationMessage {
  return {
    anchor: `${m.spanId}:${m.seq}`,
    spanId: m.spanId,
    seq: m.seq,
    startUs: call.startUs,
    direction: m.direction,
    role: m.role,
    content: m.content,
    parts: m.parts,
    toolCallId: m.toolCallId,
    toolName: m.toolName ?? (m.toolCallId === null ? null : (toolNames.get(m.toolCallId) ?? null)),
    finishReason: m.finishReason,
    model: m.model ?? call.model,
    latencyMs: m.direction === 'output' ? call.durationMs : null,
    metrics: {},
    branch: false,
    continuesFrom: null,
  };
}

function placeholder(call: CallSummary): ConversationMessage {
  return {
    anchor: `${call.spanId}:${PLACEHOLDER_SEQ}`,
    spanId: call.spanId,
    seq: PLACEHOLDER_SEQ,
    startUs: call.startUs,
    direction: 'output',
    role: 'assistant',
    content: null,
    parts: null,
    toolCallId: null,
    toolName: null,
    finishReason: null,
    model: call.model,
    latencyMs: call.durationMs,
    metrics: {},
    branch: false,
    continuesFrom: null,
  };
}

/**
 * The cost of a call split into the input and output sides (see the module comment). When the
 * total is known the sides always add up to it: a stored output cost that disagrees with
 * total - input (inconsistent data) gives way to the difference.
 */
export function costSides(call: CallSummary): {
  input: number | null;
  output: number | null;
  /** Only the total is known: `output` is all of it. */
  totalOnly: boolean;
} {
  const { inputCostUsd: i, outputCostUsd: o, totalCostUsd: t } = call;
  if (t === null) return { input: i, output: o, totalOnly: false };
  const input = i ?? (o !== null ? t - o : null);
  if (input === null) return { input: null, output: t, totalOnly: true };
  const consistent =
    o !== null &&
    Math.abs(input + o - t) <= 4 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(input) + Math.abs(o));
  return { input, output: consistent ? o : t - input, totalOnly: false };
}

/** The cost of a call: its total, else the sum of its known sides; null when nothing is priced. */
export function callCost(call: CallSummary): number | null {
  const { input, output } = costSides(call);
  if (call.totalCostUsd !== null) return call.totalCostUsd;
  return input === null && output === null ? null : (input ?? 0) + (output ?? 0);
}

function attributeMetrics(
  call: CallSummary,
  turnMessages: ConversationMessage[],
  newInputCount: number,
): void {
  const inputHolder = turnMessages[0];
  const outputHolder = turnMessages[newInputCount] ?? inputHolder;
  const cost = costSides(call);
  // A total without a split is not the input side's: that side gets no cost, and the flag on both
  // sides says the output side holds the whole of it.
  const totalOnly: MessageMetrics = cost.totalOnly ? { costTotalOnly: true } : {};
  if (inputHolder) {
    Object.assign(inputHolder.metrics, {
      inputTokens: call.inputTokens,
      cachedInputTokens: call.cachedInputTokens,
      ...(cost.totalOnly ? totalOnly : { inputCostUsd: cost.input }),
    } satisfies MessageMetrics);
  }
  if (outputHolder) {
    Object.assign(outputHolder.metrics, {
      outputTokens: call.outputTokens,
      reasoningTokens: call.reasoningTokens,
      outputCostUsd: cost.output,
      ...totalOnly,
    } satisfies MessageMetrics);
  }
  // Where its answer would have been: on its first output, else after its last message shown.
  const errorHolder = turnMessages.length > newInputCount ? outputHolder : turnMessages.at(-1);
  if (errorHolder && call.statusCode === 'ERROR') errorHolder.callError = callErrorText(call);
  if (errorHolder && call.problems?.length) errorHolder.callProblems = call.problems;
}

/**
 * Per-role totals over the reconstructed conversation: each role gets the metrics its messages
 * carry. Because every call's metrics are carried exactly once, the token sums equal the sums
 * over the calls, and the cost sum equals the sum of callCost up to floating-point association.
 * `messages` counts every message shown, placeholders included: each is a card of the
 * conversation (a failed call's "no output"), so the table counts what the reader sees. Roles are
 * listed by first appearance.
 */
export function rollupByRole(messages: readonly ConversationMessage[]): RoleRollup[] {
  const byRole = new Map<string, ConversationMessage[]>();
  for (const m of messages) {
    const list = byRole.get(m.role);
    if (list) list.push(m);
    else byRole.set(m.role, [m]);
  }
  return [...byRole].map(([role, list]) => {
    let costUsd: number | null = null;
    let unpricedSides = 0;
    for (const { metrics } of list) {
      for (const c of [metrics.inputCostUsd, metrics.outputCostUsd]) {
        if (c !== null && c !== undefined) costUsd = (costUsd ?? 0) + c;
      }
      // A side that came with its cost key but no cost (an unknown model): its tokens are counted,
      // its cost is not. A total-only call's input side has no key of its own and is not one.
      if ('inputCostUsd' in metrics && metrics.inputCostUsd === null) unpricedSides++;
      if ('outputCostUsd' in metrics && metrics.outputCostUsd === null) unpricedSides++;
    }
    return {
      role,
      messages: list.length,
      inputTokens: attributedTokens(list, 'inputTokens'),
      cachedInputTokens: attributedTokens(list, 'cachedInputTokens'),
      outputTokens: attributedTokens(list, 'outputTokens'),
      costUsd,
      unpricedSides,
    };
  });
}

/**
 * A role's tokens of one kind: the sum of the figures its messages' call sides came with; 0 when
 * no call side of that kind is attributed to it; null when those attributed all came without one
 * (the calls reported no usage), which is "not reported", not 0.
 */
function attributedTokens(
  list: readonly ConversationMessage[],
  field: 'inputTokens' | 'cachedInputTokens' | 'outputTokens',
): number | null {
  let sum: number | null | undefined;
  for (const { metrics } of list) {
    const value = metrics[field];
    if (value === null) sum ??= null;
    else if (value !== undefined) sum = (sum ?? 0) + value;
  }
  return sum === undefined ? 0 : sum;
}

/**
 * `spans`: when all of the session's spans run (agent and tool spans too), so its first time and
 * duration are the sessions list's; without it, those of its calls. `embeddings`: the session's
 * embedding requests (sessionEmbeddings), summed apart from the LLM calls' totals.
 */
export function buildSessionDetail(
  key: string,
  calls: readonly CallSummary[],
  messages: readonly SessionMessage[],
  spans: { firstUs: number; lastUs: number } | null = null,
  embeddings: readonly CallSummary[] = [],
): SessionDetail {
  const ordered = [...calls].sort((a, b) => a.startUs - b.startUs || compareStrings(a.spanId, b.spanId));
  const conversation = reconstructConversation(ordered, messages);
  const firstUs = spans?.firstUs ?? (ordered.length > 0 ? Math.min(...ordered.map((c) => c.startUs)) : 0);
  const lastUs =
    spans?.lastUs ??
    (ordered.length > 0 ? Math.max(...ordered.map((c) => c.startUs + Math.round(c.durationMs * 1000))) : 0);
  const { totalCostUsd, unpricedCalls } = priceTotals(ordered);
  // Over the calls that reported the figure, null when none did: "not reported" is not 0.
  const sum = (f: (c: CallSummary) => number | null) =>
    ordered.reduce<number | null>((s, c) => {
      const v = f(c);
      return v === null ? s : (s ?? 0) + v;
    }, null);
  return {
    key,
    sessionId: parseSessionKey(key).kind === 'trace' ? null : key,
    traceIds: distinctSorted(ordered.map((c) => c.traceId)),
    firstUs,
    lastUs,
    durationMs: (lastUs - firstUs) / 1000,
    models: distinctSorted(ordered.map((c) => c.model)),
    errors: ordered.filter((c) => c.statusCode === 'ERROR').length,
    calls: ordered,
    messages: conversation,
    rollup: rollupByRole(conversation),
    totals: {
      llmCalls: ordered.length,
      inputTokens: sum((c) => c.inputTokens),
      outputTokens: sum((c) => c.outputTokens),
      cachedInputTokens: sum((c) => c.cachedInputTokens),
      reasoningTokens: sum((c) => c.reasoningTokens),
      totalCostUsd,
      unpricedCalls,
    },
    embeddings: embeddingTotals(embeddings),
  };
}

/** The cost of calls, summed over those with one (null when none has), and how many have none. */
function priceTotals(calls: readonly CallSummary[]): { totalCostUsd: number | null; unpricedCalls: number } {
  let totalCostUsd: number | null = null;
  let unpricedCalls = 0;
  for (const c of calls) {
    const cost = callCost(c);
    if (cost === null) unpricedCalls++;
    else totalCostUsd = (totalCostUsd ?? 0) + cost;
  }
  return { totalCostUsd, unpricedCalls };
}

function embeddingTotals(requests: readonly CallSummary[]): SessionDetail['embeddings'] {
  if (requests.length === 0) return null;
  return {
    calls: requests.length,
    inputTokens: requests.reduce((n, r) => n + (r.inputTokens ?? 0), 0),
    ...priceTotals(requests),
    models: distinctSorted(requests.map((r) => r.model)),
  };
}

function orphanCall(m: SessionMessage): CallSummary {
  return {
    traceId: m.traceId,
    spanId: m.spanId,
    startUs: m.startUs,
    durationMs: 0,
    model: m.model,
    provider: null,
    operation: null,
    statusCode: 'UNSET',
    statusMessage: null,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    reasoningTokens: null,
    inputCostUsd: null,
    outputCostUsd: null,
    totalCostUsd: null,
    costSource: null,
  };
}

function distinctSorted(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
