/**
 * docs/schema.md, generated from the schema (schema.ts) and from the normalizer's own priority
 * lists, so the document cannot drift from the code. Pure: scripts/gen-schema-doc writes the file,
 * and a test fails when the committed file differs from what this renders.
 */
import { CONVENTIONS } from './normalizer/convention.ts';
import { PROVIDER_KEYS, REQUEST_MODEL_KEYS, RESPONSE_MODEL_KEYS } from './normalizer/identity.ts';
import { SESSION_KEYS, USER_KEYS } from './normalizer/session.ts';
import { USAGE_KEYS } from './normalizer/usage.ts';
import { RAW_STRING_MAX_CHARS } from './normalizer/raw-json.ts';
import { CONTENT_MAX_CHARS, PARTS_MAX_CHARS } from './normalizer/messages/rows.ts';
import { MAX_TOKENS } from './normalizer/values.ts';
import { type Column, SCHEMA_VERSION, TABLES, type TableName } from './schema.ts';

const TABLE_INTROS: Record<TableName, string> = {
  spans:
    'One row per received span, GenAI or not. Partitioned by the span start (UTC) under `spans/date=YYYY-MM-DD/hour=HH/`.',
  messages:
    'One row per conversation message carried by an LLM-call span, whether it came as span attributes, span events or OTLP log records. Partitioned like the span it belongs to, under `messages/…`.',
  sessions:
    "Session summaries written beside the spans so the sessions page never reads span rows, under `sessions/date=YYYY-MM-DD/` (SNAPPY, sorted by first activity): one row per session and hour of its spans' starts (so a chart of hour buckets is exact), several per session active over several hours (or in files of one day not yet compacted), which queries re-aggregate. Data written by earlier versions has one row per session and day, which compaction keeps.",
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(keys: readonly string[]): string {
  return keys.map((k) => `\`${k}\``).join(' → ');
}

function columnTable(columns: readonly Column[]): string {
  const rows = columns.map(
    (c) =>
      `| \`${c.name}\` | ${c.type} | ${c.nullable ? 'yes' : 'no'} | ${cell(c.description)}${c.heavy ? ' *(heavy: read only for an open conversation)*' : ''} |`,
  );
  return ['| Column | Type | Null | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const SOURCES_TABLE = `| Column | OTel GenAI ≥ 1.37 (\`otel-genai\`) | OTel ≤ 1.36 (\`otel-genai-legacy\`) | OpenLLMetry (\`openllmetry\`) | OpenInference (\`openinference\`) | Vercel AI SDK (\`vercel-ai\`) | Langfuse (\`langfuse\`) |
| --- | --- | --- | --- | --- | --- | --- |
| \`session_id\` | \`gen_ai.conversation.id\` | \`gen_ai.conversation.id\` (≥ 1.34) | \`traceloop.association.properties.session_id\` | \`session.id\` | \`ai.telemetry.metadata.sessionId\` | \`session.id\`, \`langfuse.session.id\` |
| \`user_id\` | \`enduser.id\`, \`user.id\` | same | \`traceloop.association.properties.user_id\` → \`gen_ai.user\` → \`llm.user\` | \`user.id\` | \`ai.telemetry.metadata.userId\` | \`user.id\`, \`langfuse.user.id\` |
| \`provider\` | \`gen_ai.provider.name\` | \`gen_ai.system\` | \`gen_ai.provider.name\` → \`gen_ai.system\` | \`llm.provider\` → \`llm.system\` | \`gen_ai.system\` / \`ai.model.provider\` (API flavor suffix dropped: \`openai.chat\` → \`openai\`) | — |
| \`request_model\` | \`gen_ai.request.model\` | same | same | \`llm.request.model_name\` → \`llm.model_name\` | \`gen_ai.request.model\` → \`ai.model.id\` | \`langfuse.observation.model.name\` |
| \`response_model\` | \`gen_ai.response.model\` | same | same | \`llm.response.model_name\` → \`llm.model_name\` | \`gen_ai.response.model\` → \`ai.response.model\` | \`langfuse.observation.model.name\` (when the generation has output or usage: the SDK then overwrites it with the response model) |
| \`operation\` | \`gen_ai.operation.name\` | same (≥ 1.27); ≤ 1.26 a span with a model is \`chat\` | \`traceloop.span.kind\` (workflow → invoke_workflow, agent → invoke_agent, tool → execute_tool) → \`llm.request.type\` (chat, completion → text_completion, embedding → embeddings) | \`openinference.span.kind\` (LLM → chat, EMBEDDING → embeddings, TOOL → execute_tool, AGENT → invoke_agent, …) | \`ai.operationId\` (\`*.doGenerate\`/\`*.doStream\` → chat, \`*.doEmbed\` → embeddings, \`ai.toolCall\` → execute_tool; outer spans keep their id, e.g. \`ai.streamText\`) | \`langfuse.observation.type\` (generation → chat, embedding → embeddings, tool → execute_tool, agent → invoke_agent) |
| \`is_llm_call\` | operation chat / text_completion / generate_content | same | same, and no \`traceloop.span.kind\` | kind \`LLM\` | only \`*.doGenerate\` / \`*.doStream\` | type \`generation\` |
| \`input_tokens\` | \`gen_ai.usage.input_tokens\` | same; ≤ 1.26 \`gen_ai.usage.prompt_tokens\` | \`gen_ai.usage.input_tokens\` → \`gen_ai.usage.prompt_tokens\` | \`llm.token_count.prompt\` | \`gen_ai.usage.input_tokens\` → \`ai.usage.inputTokens\` → \`ai.usage.promptTokens\` | \`usage_details\`: \`input\` + \`input_cached_tokens\` (+ cache creation): Langfuse's \`input\` excludes cached tokens |
| \`output_tokens\` | \`gen_ai.usage.output_tokens\` | same; \`gen_ai.usage.completion_tokens\` | \`…output_tokens\` → \`…completion_tokens\` | \`llm.token_count.completion\` | \`gen_ai.usage.output_tokens\` → \`ai.usage.outputTokens\` → \`ai.usage.completionTokens\` | \`usage_details.output\` |
| \`cached_input_tokens\` | \`gen_ai.usage.cache_read.input_tokens\` | — | same → \`gen_ai.usage.cache_read_input_tokens\` | \`llm.token_count.prompt_details.cache_read\` | \`ai.usage.inputTokenDetails.cacheReadTokens\` → \`ai.usage.cachedInputTokens\` | \`usage_details.input_cached_tokens\` |
| \`cache_creation_input_tokens\` | \`gen_ai.usage.cache_creation.input_tokens\` | — | same → \`…cache_creation_input_tokens\` | \`llm.token_count.prompt_details.cache_write\` | \`ai.usage.inputTokenDetails.cacheWriteTokens\` | \`usage_details.input_cache_creation\` |
| \`reasoning_tokens\` | \`gen_ai.usage.reasoning.output_tokens\` | — | \`gen_ai.usage.reasoning_tokens\` → \`llm.usage.reasoning_tokens\` | \`llm.token_count.completion_details.reasoning\` | \`ai.usage.outputTokenDetails.reasoningTokens\` → \`ai.usage.reasoningTokens\` | \`usage_details.output_reasoning\` |
| \`*_cost_usd\` (reported) | \`gen_ai.usage.cost\`; Pydantic AI \`operation.cost\` | — | — | \`llm.cost.total\`, \`.prompt\`, \`.completion\` | — | \`langfuse.observation.cost_details\` (\`input\`, \`output\`, \`total\`) |
| \`finish_reasons\` | \`gen_ai.response.finish_reasons\` | same | same | \`llm.finish_reason\` | \`gen_ai.response.finish_reasons\` → \`ai.response.finishReason\` | — |
| \`status_code\` | span status | same | same | same | same | span status; \`langfuse.observation.level\` = ERROR → ERROR (message from \`…status_message\`) |
| \`error_type\` | \`error.type\` → \`exception\` event's \`exception.type\` | same | same | same | same | same |
| input messages | \`gen_ai.system_instructions\` + \`gen_ai.input.messages\` (JSON string or structured) → log/span event \`gen_ai.client.inference.operation.details\` | log records \`gen_ai.{system,user,assistant,tool}.message\` (body); ≤ 1.27 span event \`gen_ai.content.prompt\` (\`gen_ai.prompt\`) | \`gen_ai.input.messages\` → \`gen_ai.prompt.{i}.{role,content,tool_call_id,tool_calls.{j}.*}\` | \`llm.input_messages.{i}.message.{role,content,contents.{k}.*,tool_call_id,tool_calls.{j}.tool_call.*}\` → \`input.value\` (\`{messages}\` JSON or text) | \`ai.prompt.messages\` (inner span) | \`langfuse.observation.input\` (message list, \`{messages}\`, or text) |
| output messages | \`gen_ai.output.messages\` → \`operation.details\` event | log records \`gen_ai.choice\` (\`body.message\`, by \`index\`); ≤ 1.27 span event \`gen_ai.content.completion\` | \`gen_ai.output.messages\` → \`gen_ai.completion.{i}.*\` | \`llm.output_messages.{i}.message.*\` → \`output.value\` (\`{choices}\` JSON or text) | \`ai.response.reasoning\` + \`ai.response.text\` + \`ai.response.toolCalls\` | \`langfuse.observation.output\` |`;

function handWritten(): string {
  const conventions = Object.entries(CONVENTIONS)
    .map(([name, meaning]) => `- \`${name}\`: ${meaning}.`)
    .join('\n');
  const usage = (Object.keys(USAGE_KEYS) as Array<keyof typeof USAGE_KEYS>)
    .map((q) => {
      const column = {
        input: 'input_tokens',
        output: 'output_tokens',
        cacheRead: 'cached_input_tokens',
        cacheWrite: 'cache_creation_input_tokens',
        reasoning: 'reasoning_tokens',
      }[q];
      return `- \`${column}\`: ${code(USAGE_KEYS[q])} → Langfuse \`usage_details\``;
    })
    .join('\n');
  return `## Where each column comes from

The normalizer (\`shared/src/normalizer/\`) recognizes each span's convention (column \`convention\`):

${conventions}
- NULL: not a GenAI span (HTTP, database, app spans…); stored and browsable all the same.

Detection checks the most specific marker first: \`ai.operationId\` (Vercel), then OpenInference,
then OpenLLMetry/Traceloop markers (including a \`@traceloop/…\` instrumentation scope), then any
\`gen_ai.*\` attribute, then \`langfuse.*\`. Within a cell, \`→\` means "else"; JSON strings and structured (kvlist/array) values are read alike.

${SOURCES_TABLE}

The exact priority lists the code applies to every span, whatever its convention:

- \`session_id\`: ${code(SESSION_KEYS)}
- \`user_id\`: ${code(USER_KEYS)}
- \`provider\`: ${code(PROVIDER_KEYS)}, then normalized to the OTel well-known values (\`Anthropic\` → \`anthropic\`, \`az.ai.openai\`/\`azure\` → \`azure.ai.openai\`, \`vertexai\` → \`gcp.vertex_ai\`, \`mistralai\` → \`mistral_ai\`, \`xai\` → \`x_ai\`, \`amazon-bedrock\` → \`aws.bedrock\`, \`openai.chat\` → \`openai\`, …)
- \`request_model\`: ${code(REQUEST_MODEL_KEYS)}
- \`response_model\`: ${code(RESPONSE_MODEL_KEYS)} → \`langfuse.observation.model.name\` (only with output or usage); \`model\` = response_model, else request_model
${usage}

Token counts: the first attribute present in the list decides. A value that is not a
non-negative integer (a string of digits is read, with a \`wrong_type\` problem), or is above
${MAX_TOKENS.toLocaleString('en-US')}, is stored as NULL with a problem — never a guessed number.
Usage that is not sent (an OpenAI stream without \`include_usage\`) is NULL, not 0.

## Sessions

1. A span's own session id is the first non-empty attribute of the \`session_id\` list above;
   \`session_source\` names that attribute.
2. A span without one inherits the session of its trace: from its nearest ancestor that has its
   own session, else the session of the trace's root, else the trace's session when it has only
   one (a span outside the subtrees of a trace carrying several sessions below a root without
   one, such as a batch request serving two conversations, belongs to none); \`session_source\` is then
   \`'trace'\`. This runs within each batch, and \`completeAcrossBatches(spans, messages)\` (pure,
   idempotent, in \`shared/src/normalizer/cross-batch.ts\`) completes it when the spans of a trace
   arrive in different requests; the storage layer runs it on what it holds. Exporters often send
   a trace's children before its root (the root ends last), so the collector holds spans without
   a session whose root has not arrived, with their messages, for up to a minute
   (\`carryMaxAgeMs\`); not when their part of the trace starts at a SERVER or CONSUMER span (its
   parent is in another service).
3. Spans with no session anywhere in their trace keep \`session_id\` NULL and are browsed by trace.

## \`is_llm_call\`: every model call counted once

A span is a model call when, for its convention: the operation is \`chat\`, \`text_completion\` or
\`generate_content\` (OTel, OpenLLMetry without \`traceloop.span.kind\`); the OpenInference kind is
\`LLM\`; the Vercel operation id ends in \`.doGenerate\` or \`.doStream\`; the Langfuse observation
type is \`generation\`. Never \`invoke_agent\`, agent steps, workflow/task/tool spans, embeddings or
Vercel's outer \`ai.generateText\`/\`ai.streamText\` spans, even though they repeat the usage.
When two nested spans both qualify (a framework span around a client-library span for the same
request), only the innermost keeps \`is_llm_call\`; the outer one gets a \`nested_model_call\`
problem and its copy of the messages is dropped, unless the inner call recorded no content (an
instrumentation with content capture off) and the outer span wraps only that call: the inner
call then takes the outer span's messages. Rollups (\`sessions\`, the viewer) sum tokens
and cost over \`is_llm_call\` spans only.

## Cost

- A cost reported by the instrumentation wins: Langfuse \`cost_details\`, \`gen_ai.usage.cost\`,
  OpenInference \`llm.cost.*\`, Pydantic AI \`operation.cost\` → \`cost_source = 'reported'\`,
  \`price_version\` NULL. An implausible reported amount (negative, not a number) is NULL with a problem.
- Otherwise model calls and embeddings are priced from the \`@pydantic/genai-prices\` dataset
  (bundled, works offline), by provider, model (response model, else request model) and the span's
  start date, including long-context tiers → \`cost_source = 'price-table'\`, and \`price_version\`
  records the dataset version (\`genai-prices@x.y.z\`, plus \`+overrides.<hash>\` with a price-override file).
- Input tokens include cached tokens (OTel semantics): the uncached remainder is priced at the
  input rate, cache reads and cache writes at their own rates; nothing is counted twice.
- Unknown model, or no usage at all: all cost columns and \`cost_source\` are NULL (the UI says
  "no price"), never 0. Token counts stay on the row, so history can be re-priced later.
- Price overrides (\`parsePriceOverrides\` in \`shared/src/pricing/\`; the collector reads the file):
  \`{"prices": [{"provider": "openai", "model": "gpt-4o*", "input": 2.5, "cachedInput": 1.25,
  "cacheWrite": 3.75, "output": 10, "validFrom": "2025-01-01"}]}\` — USD per million tokens;
  \`provider\`, \`cachedInput\`/\`cacheWrite\` (default: \`input\`) and \`validFrom\` (UTC date) optional;
  \`model\` is an exact id or a \`*\` glob, case-insensitive. Among matching rules valid at the call's
  date the latest \`validFrom\` wins, then the last one in the file. An override beats the dataset.

## Messages: how a conversation is reconstructed

- Only model-call spans carry messages. Each source is tried in the order of the table above
  (inputs and outputs separately); the first one present is used. \`source\` says where the
  messages were found: \`span_attribute\`, \`span_event\` or \`log\`.
- Log records (OTLP \`/v1/logs\`) are recognized by the event name in \`LogRecord.event_name\` or the
  attribute \`event.name\`, and tied to their call by \`trace_id\` + \`span_id\`. When the span is in
  the same batch the message takes its \`session_id\`, \`model\` and \`start_time\`; otherwise those are
  NULL / the log time until \`completeAcrossBatches\` sees the span. When the span carries
  messages itself, log copies are dropped per direction; a span carrying only its system
  instructions (the OTel JS Responses API sets them even with content capture off) keeps them
  first, followed by the logged history without its own system message. Ordinary application logs
  are ignored.
- \`seq\` orders messages within a call: inputs first (system instructions first), then outputs
  (choices by index). Log messages of one call split over several requests are renumbered in
  arrival order.
- \`role\` is lower-cased; \`developer\` becomes \`system\`; other roles are kept as sent.
- \`parts\` is JSON in the OTel message-part schema, whatever the wire shape was (OpenAI
  \`content\`/\`tool_calls\` and the older \`function_call\`, a call without an id; OpenAI Responses
  items, a \`function_call\` or \`reasoning\` item the model's, a \`function_call_output\` a tool
  message; Vercel \`tool-call\`/\`tool-result\`, Anthropic \`tool_use\`, flattened indexes): \`text{content}\`, \`tool_call{id,name,arguments}\` (arguments parsed when they are valid
  JSON, else kept as the string sent), \`tool_call_response{id,response}\` (\`result\` accepted),
  \`reasoning{content}\`, \`uri{modality,uri}\`, \`blob{modality,mime_type}\` (inline data over 2 KB
  is replaced by \`content_length\`: images by reference), \`file{modality,file_id}\` (a provider's
  file by id); images, files and audio in OpenAI (\`image_url\`, \`file\`, \`input_audio\`, Responses
  \`input_image\`/\`input_file\`) and Anthropic (\`image\`/\`document\` with a \`source\`) shapes become
  these, with their \`filename\` when sent; unknown part types kept as sent.
- \`content\` is the plain text: text parts joined by newlines; for a tool result without text, the
  tool's response. NULL when there is none (an assistant turn that only calls tools). Text longer
  than ${CONTENT_MAX_CHARS.toLocaleString('en-US')} characters is cut, with a problem on the span; \`parts\` JSON longer
  than ${PARTS_MAX_CHARS.toLocaleString('en-US')} characters is dropped (NULL, same problem code): cut JSON would not parse.
- \`content_hash\` is a 64-bit FNV-1a (hex, over UTF-8) of the role and the \`parts\` JSON (the
  content is derived from the parts; every part type is written with a fixed key order), the same
  in Node and the browser. Each call re-sends the history, so the viewer shows
  each message once: per call, the inputs beyond the longest common prefix (by hash) with the
  inputs + output of the earlier call it continues (the one sharing the longest prefix), then its
  outputs; a history that diverges after more than its system messages starts a branch.

## Schema versions

- **2** adds \`sessions.session_key\`, so that a reader can group summary rows into sessions
  without comparing their ids (the viewer's first page groups 100k rows by it). Files of version 1
  are read as they are: their \`session_key\` is NULL, and the collector fills it when compaction
  rewrites them. A version-1 viewer refuses a version-2 snapshot ("Update the viewer").
- **1**: the first published schema.

## Problems and raw columns

\`attributes\`, \`resource_attributes\` and \`events\` keep what was received as JSON: non-finite
numbers become the strings \`"NaN"\`/\`"Infinity"\`, and a string value longer than
${RAW_STRING_MAX_CHARS.toLocaleString('en-US')} characters (or nesting deeper than 64) is cut.
Whatever could not be read is listed in \`problems\` (JSON array of \`{code, field?, message}\`):
\`invalid_json\`, \`wrong_type\`, \`invalid_token_count\`, \`absurd_token_count\`, \`inconsistent_usage\`,
\`invalid_cost\`, \`attribute_truncated\`, \`content_truncated\`, \`missing_field\`, \`invalid_id\`,
\`negative_duration\`, \`id_truncated\` (session or user id over 1,024 characters), \`unrecognized_messages\`,
\`nested_model_call\`, \`time_from_receipt\`, \`future_time\` (see below). GenAI log events that name
no span are counted as \`log_without_span\` in the batch's problems (they cannot be joined to a
call). A bad value never stops the row from being stored with everything else that could be read.

A span's time decides its hour partition, which retention removes whole. A span missing one of
its two times takes the other (\`missing_field\`; OTLP's 0 is unset). A span sent with neither
is stored at the time the collector received it (\`time_from_receipt\`), not at 1970, whose hour
retention would remove at once. A span starting more than a day after it was received (a wrong
clock; minutes of skew are kept as sent) is moved to the time received with its duration, and
\`future_time\` names the start it was sent with; an end more than a day after its receipt is
set to the start (\`future_time\` on \`end_time\`). Neither then sits in an hour retention never
reaches. A GenAI log record's messages take its time, else its observed time; with neither, or
one more than a day after it was received, the time the collector received it (the batch's
\`time_from_receipt\` or \`future_time\` problem, on \`log\`).
`;
}

export function renderSchemaDoc(): string {
  const tables = (Object.keys(TABLES) as TableName[])
    .map((t) => `### \`${t}\`\n\n${TABLE_INTROS[t]}\n\n${columnTable(TABLES[t])}`)
    .join('\n\n');
  return `<!-- Generated by scripts/gen-schema-doc from shared/src/schema.ts and shared/src/schema-doc.ts. Do not edit. -->
# Parley data schema

Schema version **${SCHEMA_VERSION}** (\`manifest.json\` → \`schema_version\`). These tables are a public
interface: analysts query the Parquet files directly. Times are UTC \`TIMESTAMP\`s with microsecond
precision; token counts are \`BIGINT\` and NULL when unknown; costs are USD \`DOUBLE\`s and NULL when
no price is known.

## Tables

${tables}

${handWritten()}`;
}
