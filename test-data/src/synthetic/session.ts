/**
 * One synthetic conversation: every turn is its own trace, as in a web app — an HTTP server span,
 * an `invoke_agent` span carrying the turn's aggregate usage (which must NOT be counted again),
 * and the model calls under it in the current OTel GenAI convention (history re-sent on every
 * call as `gen_ai.input.messages`), with tool calls and their `execute_tool` spans.
 */
import type { AnyValue, Attributes, OtlpScope, OtlpSpan } from '@parley/shared/otlp';
import { TOOLS, assistantMessage, estimateTokens, systemPrompt, toolResult, userMessage } from './content.ts';
import { MODEL_WEIGHTS, type SyntheticModel } from './models.ts';
import type { Random } from './random.ts';

export const HTTP_SCOPE: OtlpScope = { name: '@opentelemetry/instrumentation-http', version: '0.301.0' };
export const GENAI_SCOPE: OtlpScope = { name: 'parley-synthetic-genai', version: '1.0.0' };

const APPS: readonly { resource: Attributes; agent: string; route: string }[] = [
  { agent: 'support-bot', route: '/api/support/chat' },
  { agent: 'code-assistant', route: '/api/assist' },
  { agent: 'research-agent', route: '/v1/research' },
].map((app) => ({
  ...app,
  resource: {
    'service.name': app.agent,
    'service.version': '2.4.1',
    'deployment.environment.name': 'production',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '3.1.1',
  },
}));

const ERRORS = [
  { type: '429', message: 'Rate limit reached for requests' },
  { type: 'timeout', message: 'Request timed out after 60000 ms' },
  { type: '500', message: 'The server had an error while processing your request' },
] as const;

/** What happens in a turn, drawn up front so a session's span count is known before its content. */
export interface TurnPlan {
  /** The first model call asks for a tool; its result goes to a second call. */
  tool: boolean;
  /** Index of the model call that fails, or -1. */
  failAt: number;
}

export interface SessionPlan {
  /** '' for traffic without a session. */
  sessionId: string;
  turns: TurnPlan[];
}

export function planSession(
  r: Random,
  options: { maxTurns: number; errorRate: number; noSessionRate: number },
): SessionPlan {
  const hasSession = !r.chance(options.noSessionRate);
  const turns: TurnPlan[] = [];
  const count = hasSession ? r.int(1, options.maxTurns) : 1;
  for (let i = 0; i < count; i++) {
    const tool = r.chance(0.25);
    const failAt = r.chance(options.errorRate) ? 0 : tool && r.chance(options.errorRate) ? 1 : -1;
    turns.push({ tool, failAt });
  }
  return { sessionId: hasSession ? `conv_${r.hex(12)}` : '', turns };
}

/** HTTP + invoke_agent + chat, plus execute_tool + a second chat when the tool call happens. */
export function spanCount(plan: SessionPlan): number {
  let n = 0;
  for (const t of plan.turns) n += t.tool && t.failAt !== 0 ? 5 : 3;
  return n;
}

interface Part {
  type: string;
  [key: string]: AnyValue;
}
interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

/** Relative-time spans of one session; the caller shifts them into the time window. */
export function generateSession(r: Random, plan: SessionPlan): OtlpSpan[] {
  const app = r.pick(APPS);
  const model: SyntheticModel = r.weighted(MODEL_WEIGHTS);
  const system = systemPrompt(r);
  const systemAsInstructions = r.chance(0.5);
  const history: Message[] = systemAsInstructions
    ? []
    : [{ role: 'system', parts: [{ type: 'text', content: system }] }];
  const spans: OtlpSpan[] = [];
  const sessionAttrs: Attributes = plan.sessionId ? { 'gen_ai.conversation.id': plan.sessionId } : {};
  let clock = 0;
  let previousAgent: OtlpSpan | null = null;

  for (let turn = 0; turn < plan.turns.length; turn++) {
    const turnPlan = plan.turns[turn]!;
    clock += turn === 0 ? 0 : r.int(5_000_000, 180_000_000);
    const traceId = r.hex(16);
    const http = span(traceId, r.hex(8), '', `POST ${app.route}`, 2, clock, app.resource, HTTP_SCOPE, {
      'http.request.method': 'POST',
      'http.route': app.route,
      'url.path': app.route,
      'server.address': `${app.agent}.example.com`,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0',
    });
    const agentStart = clock + r.int(200, 3000);
    const agent = span(
      traceId,
      r.hex(8),
      http.spanId,
      `invoke_agent ${app.agent}`,
      1,
      agentStart,
      app.resource,
      GENAI_SCOPE,
      {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': model.provider,
        'gen_ai.agent.name': app.agent,
        ...sessionAttrs,
      },
    );
    if (previousAgent && r.chance(0.1)) {
      agent.links.push({
        traceId: previousAgent.traceId,
        spanId: previousAgent.spanId,
        attributes: { 'link.reason': 'previous_turn' },
      });
    }
    history.push({ role: 'user', parts: [{ type: 'text', content: userMessage(r, turn) }] });

    const usage = { input: 0, output: 0, cacheRead: 0 };
    let t = agentStart + r.int(100, 2000);
    let failed = false;
    const wantsTool = turnPlan.tool;
    for (let call = 0; call < (wantsTool ? 2 : 1); call++) {
      const chat = chatCall(r, {
        traceId,
        parentId: agent.spanId,
        start: t,
        model,
        app,
        history,
        system,
        systemAsInstructions,
        sessionAttrs,
      });
      spans.push(chat.span);
      t = chat.span.endTimeUs;
      if (turnPlan.failAt === call) {
        fail(r, chat.span);
        failed = true;
        break;
      }
      if (call === 0 && wantsTool) {
        const tool = r.pick(TOOLS);
        const callId = `call_${r.hex(12)}`;
        const args = tool.args(r) as AnyValue;
        finishChat(
          chat,
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: callId, name: tool.name, arguments: args }],
            finish_reason: 'tool_call',
          },
          history,
        );
        const toolStart = t + r.int(1000, 5000);
        const toolSpan = span(
          traceId,
          r.hex(8),
          agent.spanId,
          `execute_tool ${tool.name}`,
          1,
          toolStart,
          app.resource,
          GENAI_SCOPE,
          {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': tool.name,
            'gen_ai.tool.call.id': callId,
            'gen_ai.tool.type': 'function',
          },
        );
        toolSpan.endTimeUs = toolStart + r.int(20_000, 800_000);
        spans.push(toolSpan);
        history.push({
          role: 'tool',
          parts: [{ type: 'tool_call_response', id: callId, response: toolResult(r, tool.name) as AnyValue }],
        });
        t = toolSpan.endTimeUs + r.int(500, 3000);
      } else {
        finishChat(
          chat,
          { role: 'assistant', parts: [{ type: 'text', content: chat.answer }], finish_reason: 'stop' },
          history,
        );
      }
      usage.input += chat.inputTokens;
      usage.output += chat.outputTokens;
      usage.cacheRead += chat.cacheRead;
    }

    agent.endTimeUs = t + r.int(200, 2000);
    http.endTimeUs = agent.endTimeUs + r.int(100, 1500);
    if (failed) {
      agent.status = { code: 2, message: 'model call failed' };
      http.status = { code: 2, message: '' };
      http.attributes['http.response.status_code'] = 502;
    } else {
      http.attributes['http.response.status_code'] = 200;
      agent.attributes['gen_ai.usage.input_tokens'] = usage.input;
      agent.attributes['gen_ai.usage.output_tokens'] = usage.output;
      if (usage.cacheRead > 0) agent.attributes['gen_ai.usage.cache_read.input_tokens'] = usage.cacheRead;
    }
    spans.push(agent, http);
    previousAgent = agent;
    clock = http.endTimeUs;
  }
  return spans;
}

function span(
  traceId: string,
  spanId: string,
  parentSpanId: string,
  name: string,
  kind: OtlpSpan['kind'],
  startTimeUs: number,
  resource: Attributes,
  scope: OtlpScope,
  attributes: Attributes,
): OtlpSpan {
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUs,
    endTimeUs: startTimeUs,
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope,
  };
}

interface ChatCall {
  span: OtlpSpan;
  model: SyntheticModel;
  answer: string;
  reasoningTokens: number;
  inputTokens: number;
  outputTokens: number;
  cacheRead: number;
}

function chatCall(
  r: Random,
  c: {
    traceId: string;
    parentId: string;
    start: number;
    model: SyntheticModel;
    app: { resource: Attributes };
    history: Message[];
    system: string;
    systemAsInstructions: boolean;
    sessionAttrs: Attributes;
  },
): ChatCall {
  const input = JSON.stringify(c.history);
  const inputTokens = estimateTokens(input) + (c.systemAsInstructions ? estimateTokens(c.system) : 0);
  const answer = assistantMessage(r);
  const outputTokens = estimateTokens(answer);
  const cacheRead =
    c.model.caching && inputTokens >= 1024 && r.chance(0.8) ? Math.floor((inputTokens * 0.9) / 128) * 128 : 0;
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': c.model.provider,
    'gen_ai.request.model': c.model.request,
    'gen_ai.request.temperature': r.pick([0, 0.2, 0.7, 1]),
    'gen_ai.request.max_tokens': 4096,
    'server.address': c.model.serverAddress,
    'server.port': 443,
    ...c.sessionAttrs,
    'gen_ai.input.messages': input,
  };
  if (c.systemAsInstructions)
    attributes['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: c.system }]);
  const s = span(
    c.traceId,
    r.hex(8),
    c.parentId,
    `chat ${c.model.request}`,
    3,
    c.start,
    c.app.resource,
    GENAI_SCOPE,
    attributes,
  );
  s.endTimeUs = c.start + 250_000 + outputTokens * r.int(8_000, 25_000);
  const reasoningTokens = c.model.reasoning ? r.int(0, 600) : 0;
  return { span: s, model: c.model, answer, reasoningTokens, inputTokens, outputTokens, cacheRead };
}

function finishChat(chat: ChatCall, output: Message, history: Message[]): void {
  const a = chat.span.attributes;
  const visible =
    output.parts[0]!.type === 'text' ? chat.outputTokens : estimateTokens(JSON.stringify(output.parts));
  const outputTokens = visible + chat.reasoningTokens;
  chat.outputTokens = outputTokens;
  a['gen_ai.response.model'] = chat.model.response;
  a['gen_ai.response.id'] = `chatcmpl-${chat.span.spanId}`;
  a['gen_ai.response.finish_reasons'] = [output.finish_reason ?? 'stop'];
  a['gen_ai.usage.input_tokens'] = chat.inputTokens;
  a['gen_ai.usage.output_tokens'] = outputTokens;
  if (chat.cacheRead > 0) a['gen_ai.usage.cache_read.input_tokens'] = chat.cacheRead;
  if (chat.model.reasoning) a['gen_ai.usage.reasoning.output_tokens'] = chat.reasoningTokens;
  a['gen_ai.output.messages'] = JSON.stringify([output]);
  history.push({ role: output.role, parts: output.parts });
}

function fail(r: Random, s: OtlpSpan): void {
  const error = r.pick(ERRORS);
  s.status = { code: 2, message: error.message };
  s.attributes['error.type'] = error.type;
  s.events.push({
    timeUs: s.endTimeUs,
    name: 'exception',
    attributes: { 'exception.type': `APIError${error.type}`, 'exception.message': error.message },
  });
}
