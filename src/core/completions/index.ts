/**
 * Inline completions, the pure part: the cache-friendly FIM prompt (fimPrompt.ts), when a completion may span
 * lines and how to ask for it (completionMode.ts), what of the answer to insert (postProcess.ts), recent
 * answers to type through (completionCache.ts) and when to ask at all (typingDebounce.ts). The VS Code
 * provider in src/completions calls these; nothing here knows about editors.
 */
export { buildFimPrompt, buildNaiveFimPrompt, DEFAULT_FIM_BUDGET, DEFAULT_SNAP_LINES, type FimBudget, type FimDocument, type FimPrompt, type FimPromptOptions } from './fimPrompt';
export { completionMode, maxTokensFor, stopSequences, type CompletionMode, type CompletionModeContext } from './completionMode';
export { postProcessCompletion, type PostProcessInput } from './postProcess';
export { CompletionCache } from './completionCache';
export { TypingDebounce, type TypingDebounceOptions } from './typingDebounce';
