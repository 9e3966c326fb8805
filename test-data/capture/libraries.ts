/**
 * The libraries captured and what each records, as checked against its captured bodies. `wire`
 * reduces the exchange the fake server saw to what a normalizer can know; `notes` travel into
 * each fixture's ground-truth.json.
 */
import type { WireProfile } from './ground-truth-build.ts';
import { traceloopStreamEstimate } from './traceloop-token-estimate.ts';

export interface LibrarySpec {
  name: string;
  app: string;
  library: string;
  convention: string;
  wire: WireProfile;
  notes: string[];
}

const COMMON_NOTES = [
  'Sessions: conv-multi-turn-001 (system prompt, 4 calls re-sending history, unicode/emoji, a tool call and its result, 2 streamed calls with stream_options.include_usage), conv-large-001 (one ~100 KB user message), conv-error-001 (one call the server fails), and one call with no session under an app span "handle-request" (see trace_ids).',
  'input_tokens include cached tokens (OpenAI prompt_tokens); message content is the text of the message, null when it has none (an assistant message that only calls tools).',
];

export const LIBRARIES: LibrarySpec[] = [
  {
    name: 'otel-openai',
    app: 'otel-openai.ts',
    library: '@opentelemetry/instrumentation-openai@0.22.0 + openai@6.49.0',
    convention: 'otel-genai-events',
    wire: { cachedTokens: false, failedCallSpans: true, streamUsage: true, streamResponseModel: true },
    notes: [
      ...COMMON_NOTES,
      'Message content is only in OTLP log records (attribute event.name = gen_ai.{system,user,assistant,tool}.message / gen_ai.choice, content in the body), in a different request than the spans; the whole history is re-emitted for every call.',
      'The session is gen_ai.conversation.id on the app span "conversation-turn", parent of the chat span: the chat span must inherit it within its trace (one trace per turn).',
      'cached_input_tokens is 0: the instrumentation does not record prompt_tokens_details.cached_tokens.',
      'The failed call is a chat span with status ERROR and error.type, no usage; its input messages are still logged.',
      'Assistant-message log bodies of the Chat path carry a tool_calls key whose AnyValue is empty (no value set) when there were no tool calls.',
      'conv_resp_001 (this fixture only): two Responses API calls continuing a server-side `conversation`, so only the new input is sent each turn. The instrumentation sets gen_ai.conversation.id itself (from response.conversation.id) and gen_ai.provider.name instead of gen_ai.system; messages come as log records with LogRecord.eventName (not an attribute) = gen_ai.client.inference.operation.details, structured kvlist attributes gen_ai.input.messages / gen_ai.output.messages and an empty body. The instructions appear twice: as span attribute gen_ai.system_instructions (a bare string) and as the first system message of gen_ai.input.messages; they are one message.',
    ],
  },
  {
    name: 'vercel-ai',
    app: 'vercel-ai.ts',
    library: 'ai@6.0.326 + @ai-sdk/openai@3.0.141 (openai.chat provider)',
    convention: 'vercel-ai-legacy',
    wire: { cachedTokens: true, failedCallSpans: true, streamUsage: true, streamResponseModel: true },
    notes: [
      ...COMMON_NOTES,
      'Session in ai.telemetry.metadata.sessionId on the outer ai.generateText / ai.streamText and inner doGenerate / doStream spans (not on ai.toolCall).',
      'Model calls are ai.generateText.doGenerate / ai.streamText.doStream only: the outer spans repeat usage (ai.streamText sums its steps) and must not be counted.',
      'Turn 1 is generateText, turn 2 streamText, turns 3-4 one streamText with a tool round trip (two doStream spans and an ai.toolCall span in one trace).',
      'Cached tokens in ai.usage.cachedInputTokens and ai.usage.inputTokenDetails.cacheReadTokens; the server failure is a 500 with maxRetries 0 (status ERROR on doGenerate and generateText).',
    ],
  },
  {
    name: 'vercel-ai-v7',
    app: 'vercel-ai-v7.ts',
    library:
      'ai@7.0.173 + @ai-sdk/otel@1.0.173 (OpenTelemetry integration) + @ai-sdk/openai@4.0.118 (openai.chat provider)',
    convention: 'otel-genai',
    wire: { cachedTokens: true, failedCallSpans: true, streamUsage: true, streamResponseModel: true },
    notes: [
      ...COMMON_NOTES,
      'AI SDK 7 emits no OTel spans by itself: registerTelemetry(new OpenTelemetry({ runtimeContext: true })) from @ai-sdk/otel. Instrumentation scope "gen_ai" with no version; no ai.operationId, no ai.* span names: spans "invoke_agent <model>" (root, gen_ai.agent.name = functionId), "step <n>" (gen_ai.operation.name = agent_step), "chat <model>" (CLIENT; the model call) and "execute_tool <name>".',
      'Session: v7 dropped telemetry.metadata. runtimeContext { sessionId, userId } + telemetry.includeRuntimeContext -> ai.settings.context.sessionId / userId, only on the invoke_agent and step spans: the chat span must inherit the session from its trace.',
      'Messages: gen_ai.input.messages / gen_ai.output.messages (JSON parts text / tool_call / tool_call_response); the instructions (system prompt) only in gen_ai.system_instructions as a JSON array of text parts, never as a system message. invoke_agent repeats the input and the final output, and sums usage over its steps: it is not a model call.',
      'Usage on chat spans: gen_ai.usage.input_tokens (includes cached), output_tokens, cache_read.input_tokens (also 0 when none). gen_ai.response.finish_reasons keeps the SDK value tool-calls while the output message says tool_call.',
      'The server failure (500, maxRetries 0): chat, step and invoke_agent spans with status ERROR, http.response.status_code 500 and an exception event (AI_APICallError); no error.type, no usage, input messages still recorded.',
      'gen_ai.tool.call.result is JSON-encoded even for a string result; chat spans carry server.address / server.port of the provider.',
    ],
  },
  {
    name: 'openinference',
    app: 'openinference.ts',
    library:
      '@arizeai/openinference-instrumentation-openai@4.2.7 + @arizeai/openinference-core@2.7.1 + openai@6.49.0',
    convention: 'openinference',
    wire: { cachedTokens: true, failedCallSpans: false, streamUsage: false, streamResponseModel: false },
    notes: [
      ...COMMON_NOTES,
      'Session via openinference-core setSession(context, { sessionId }) -> session.id on every span made in that context.',
      'The failed call produced no span at all (the instrumentation ends spans only on success or a synchronous throw), so conv-error-001 is absent.',
      'Streamed calls carry no llm.token_count.* even with include_usage, and llm.model_name is the requested model (gpt-4o-mini, gpt-4.1), not the response model; their status is UNSET while non-streamed calls are OK.',
    ],
  },
  {
    name: 'langfuse',
    app: 'langfuse.ts',
    library: '@langfuse/openai@5.11.1 + @langfuse/tracing@5.11.1 + @langfuse/core@5.11.1 + openai@6.49.0',
    convention: 'langfuse',
    wire: { cachedTokens: true, failedCallSpans: true, streamUsage: true, streamResponseModel: false },
    notes: [
      ...COMMON_NOTES,
      'No gen_ai.* attributes: session.id / user.id, langfuse.observation.{type=generation,input,output,model.name,usage_details}.',
      'usage_details.input EXCLUDES cached tokens: input_tokens = input + input_cached_tokens.',
      'Streamed calls: model.name is the requested model, output is a bare string instead of a message object.',
      'The failed call has span status UNSET; the failure is langfuse.observation.level = ERROR, with cost_details {"input":0,"output":0,"total":0} and no usage_details.',
      'session.id is stamped by @langfuse/core getPropagatedAttributesFromContext in a span processor, which is what LangfuseSpanProcessor.onStart does (@langfuse/otel cannot be installed next to OTel api 1.10).',
    ],
  },
  {
    name: 'traceloop',
    app: 'traceloop.ts',
    library: '@traceloop/instrumentation-openai@0.27.0 + openai@6.49.0',
    convention: 'openllmetry',
    wire: { cachedTokens: false, failedCallSpans: false, streamUsage: false, streamResponseModel: true },
    notes: [
      ...COMMON_NOTES,
      'Current OTel JSON form: gen_ai.input.messages / gen_ai.output.messages (parts text / tool_call / tool_call_response), gen_ai.provider.name, gen_ai.tool.definitions.',
      'Session in traceloop.association.properties.session_id, stamped by a span processor that mirrors @traceloop/node-server-sdk 0.27 withAssociationProperties (the SDK peers on OTel 0.203 / 2.x).',
      'No cached tokens recorded; streamed calls carry no usage at all; the failed call produced no span (conv-error-001 is absent); finish reason mapped to tool_call.',
    ],
  },
  {
    name: 'traceloop-sdk',
    app: 'traceloop-sdk.ts',
    library:
      '@traceloop/node-server-sdk@0.27.0 (its @traceloop/instrumentation-openai@0.27.0, OTel sdk-node 0.203) + openai@6.49.0',
    convention: 'openllmetry',
    wire: {
      cachedTokens: false,
      failedCallSpans: false,
      streamUsage: false,
      streamResponseModel: true,
      streamUsageEstimate: traceloopStreamEstimate,
    },
    notes: [
      ...COMMON_NOTES,
      "The SDK runs its own OTel NodeSDK (OTel JS 2.x / 0.203, nested under the SDK): resource carries host.* and process.* (pid, command, command_args, owner) from its default detectors. protobuf is the SDK default exporter (baseUrl + /v1/traces); json passes the SDK's own 0.203 exporter-trace-otlp-http as `exporter`.",
      'Session: withWorkflow({ name, associationProperties: { session_id, user_id } }) -> traceloop.association.properties.session_id / user_id on the workflow span and on the chat span inside it; the chat span also gets traceloop.workflow.name.',
      'Each turn has a workflow span "chat-turn.workflow" (traceloop.span.kind = workflow, traceloop.entity.input / traceloop.entity.output = the JSON of the function\'s arguments / result, here the whole chat.completion or the streamed assistant message). It is not a model call.',
      "Streamed calls carry gen_ai.usage.* that are the SDK's own js-tiktoken estimates (enrichTokens, on by default), not the server's usage: input_tokens/output_tokens of those calls are that estimate (capture/traceloop-token-estimate.ts). Non-streamed calls carry the server's usage; no cached tokens.",
      'The failed call produced no span at all: the instrumentation ends no span on a rejected call, and withWorkflow ends its span only when the function resolves, so conv-error-001 is absent.',
    ],
  },
];
