/**
 * The deterministic, cache-friendly prompt builder (see promptBuilder.ts for the message layout and the
 * budget rules, conversation.ts for the append-only history).
 *
 * A surface (through the engine) calls it like this:
 *
 *   const conversation = new Conversation();                 // one per chat; none for a one-shot command
 *   const built = buildPrompt({ blocks, question, conversation, budget: budgetFor('chat', contextTokens) });
 *   const result = await client.streamChat({ model, messages: built.messages });
 *   if (!result.failure) conversation.commit(built, result.content);   // the answer as returned
 */
export {
  BLOCK_KINDS,
  STABILITY_RANK,
  blockKey,
  compareBlocks,
  compareCodeUnits,
  isFileKind,
  isStableKind,
  sortBlocks,
  type BlockKind,
  type ContextBlock,
} from './blocks';
export {
  Conversation,
  type ConversationState,
  type FrozenTurn,
  type KnownContent,
  type PendingTurn,
  type SystemPrefix,
  type TurnAttachment,
} from './conversation';
export {
  DEFAULT_BUDGET,
  DEFAULT_CONTEXT_TOKENS,
  DEFAULT_RESERVE_OUTPUT_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  MIN_TRUNCATED_TOKENS,
  TRUNCATION_MARKER,
  budgetFor,
  planTrim,
  promptTokenLimit,
  resolveBudget,
  truncateToTokens,
  type PromptBudget,
  type TrimCandidate,
  type TrimDecision,
} from './fitBudget';
export { CORE_INSTRUCTIONS, instructionsBlock } from './instructions';
export { unifiedDiff, type DiffOptions } from './lineDiff';
export {
  MAX_DIFF_CHAIN,
  buildPrompt,
  type BuildPromptInput,
  type BuiltPrompt,
  type DroppedBlock,
  type IncludedBlock,
  type Placement,
} from './promptBuilder';
export {
  BLOCK_SEPARATOR,
  QUESTION_HEADING,
  fence,
  languageOf,
  normalizeBlock,
  normalizeText,
  normalizeTitle,
  renderBlock,
  renderPrefix,
  type PromptMessage,
  type RenderMode,
} from './serialize';
export {
  contentChars,
  contentText,
  contentTokens,
  imageCount,
  imageRefTokens,
  imageSize,
  missingImageText,
  parseDataUrl,
  resolveImageParts,
  toDataUrl,
  type ContentPart,
  type ImageRef,
  type MessageContent,
} from './contentParts';
