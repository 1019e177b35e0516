/**
 * The public contract's command ids (README, "Commands") and the chat view's id. package.json must declare exactly
 * these (a unit test checks). Plain data in core, so every surface and the wiring import them from one place.
 */
export const CommandIds = {
  openChat: 'deepseek.openChat',
  newChat: 'deepseek.newChat',
  showChatHistory: 'deepseek.showChatHistory',
  explainSelection: 'deepseek.explainSelection',
  refactorSelection: 'deepseek.refactorSelection',
  fixDiagnostics: 'deepseek.fixDiagnostics',
  setApiKey: 'deepseek.setApiKey',
  clearApiKey: 'deepseek.clearApiKey',
  showSpend: 'deepseek.showSpend',
  resetSessionSpend: 'deepseek.resetSessionSpend',
  showLastRequest: 'deepseek.showLastRequest',
  toggleInlineCompletions: 'deepseek.toggleInlineCompletions',
  snoozeInlineCompletions: 'deepseek.snoozeInlineCompletions',
  setFallbackProviderKey: 'deepseek.setFallbackProviderKey',
  clearFallbackProviderKey: 'deepseek.clearFallbackProviderKey',
  showProviderStatus: 'deepseek.showProviderStatus',
  applyProposal: 'deepseek.applyProposal',
  discardProposal: 'deepseek.discardProposal',
  extractText: 'deepseek.extractText',
  addToChat: 'deepseek.addToChat',
  generateCommitMessage: 'deepseek.generateCommitMessage',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

export const CHAT_VIEW_ID = 'deepseek.chatView';

/** Palette titles (shown as `DeepSeek: <title>`). */
export const CommandTitles: Readonly<Record<CommandId, string>> = {
  'deepseek.openChat': 'Open Chat',
  'deepseek.newChat': 'New Chat',
  'deepseek.showChatHistory': 'Show Chat History',
  'deepseek.explainSelection': 'Explain Selection',
  'deepseek.refactorSelection': 'Refactor Selection',
  'deepseek.fixDiagnostics': 'Fix Problems in Selection',
  'deepseek.setApiKey': 'Set API Key',
  'deepseek.clearApiKey': 'Clear API Key',
  'deepseek.showSpend': 'Show Spend',
  'deepseek.resetSessionSpend': 'Reset Session Spend',
  'deepseek.showLastRequest': 'Show Last Request',
  'deepseek.toggleInlineCompletions': 'Toggle Inline Completions',
  'deepseek.snoozeInlineCompletions': 'Snooze Inline Completions for 5 Minutes',
  'deepseek.setFallbackProviderKey': 'Set Fallback Provider Key',
  'deepseek.clearFallbackProviderKey': 'Clear Fallback Provider Key',
  'deepseek.showProviderStatus': 'Show Provider Status',
  'deepseek.applyProposal': 'Apply Proposed Change',
  'deepseek.discardProposal': 'Discard Proposed Change',
  'deepseek.extractText': 'Extract Text',
  'deepseek.addToChat': 'Add to Chat',
  'deepseek.generateCommitMessage': 'Generate Commit Message',
};
