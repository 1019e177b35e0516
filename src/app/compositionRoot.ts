import * as path from 'path';
import * as vscode from 'vscode';
import { checkConnection } from '../api/connectionCheck';
import { ApiKeyStore } from '../platform/apiKeyStore';
import { clearApiKey, promptForMissingKey, setApiKey, type ApiKeyCommandsDeps } from '../auth/apiKeyCommands';
import { registerFallbackKeyCommands } from '../auth/fallbackKeyCommands';
import { ChatContext } from '../chat/chatContext';
import { ChatController } from '../chat/chatController';
import { ChatViewProvider } from '../chat/chatViewProvider';
import { AttachmentStore } from '../chat/attachmentStore';
import { addToChat } from '../documents/addToChatCommand';
import { ChatAttachments } from '../documents/attachments';
import { DocumentPolicy } from '../documents/documentPolicy';
import { ExtractionService } from '../documents/extractionService';
import { ExtractTextCommand } from '../documents/extractTextCommand';
import { OcrCache } from '../documents/ocrCache';
import { UploadConsent } from '../documents/uploadConsent';
import { ConversationStore } from '../chat/conversationStore';
import { ProposedEdits } from '../review/proposedEdit';
import { CHAT_VIEW_ID, CommandIds } from '../core/commandIds';
import { DeepSeekCodeActions } from '../commands/codeActions';
import { ReasonerCommands } from '../commands/reasonerCommands';
import { ConfigurationService } from '../config/settings';
import { WorkspaceSettingsGuard } from '../config/workspaceSettingsGuard';
import type { ProviderStatusSource } from '../engine/providerStatusSource';
import { DECLINE_OVER_BUDGET } from '../core/budget';
import { EndpointIdentity } from '../core/endpointIdentity';
import { isNotSent, RequestEngine } from '../engine/requestEngine';
import { registerCompletions } from '../completions/completions';
import { RoleModels } from '../engine/roleModels';
import { ChannelLogger } from '../platform/logger';
import { MarkdownDocument } from '../platform/markdownDocument';
import { Notifier } from '../platform/notifier';
import { ProviderKeyStore } from '../platform/providerKeyStore';
import { renderLastRequest } from '../engine/lastRequest';
import { modalBudgetPolicy } from '../spend/budgetPolicy';
import { SpendService } from '../spend/spendService';
import { ProviderStatusDocument } from '../status/providerStatusDocument';
import { StatusBarController } from '../status/statusBar';
import { ContextService } from '../workspace/contextService';
import { CommitMessages } from '../scm/commitMessages';
import { DeepSeekParticipant } from '../participant/participant';
import { recordingParticipantRun } from '../participant/recordingStream';
import type { HostMessage } from '../webview/protocol';
import { DeepSeekChatProvider, LM_VENDOR } from '../lm/deepseekChatProvider';
import { exposeApi, type DeepSeekAssistantApi, type DeepSeekAssistantTestApi } from './publicApi';

export interface ActivationClock {
  /** Time to evaluate the bundle's modules (after VS Code read and compiled the file). */
  readonly bundleEvaluatedMs: number;
  /** performance.now() when activate() was entered. */
  readonly activateStartedAt: number;
}

/**
 * The composition root: creates every service once, wires them together, and registers every disposable on
 * `context.subscriptions`. Nothing here waits on the network, so activation stays fast. Returns the read-only
 * API, or in test mode the test API that can also send requests.
 */
export function compose(context: vscode.ExtensionContext, clock: ActivationClock): DeepSeekAssistantApi | DeepSeekAssistantTestApi {
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const register = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };

  const keyStore = register(new ApiKeyStore(context.secrets));
  const providerKeys = register(new ProviderKeyStore(context.secrets));
  const logger = register(
    new ChannelLogger(vscode.window.createOutputChannel('DeepSeek Assistant', { log: true }), () => [
      ...keyStore.knownSecrets(),
      ...providerKeys.knownSecrets(),
      ...ocrEndpointKey(),
    ]),
  );
  const settings = register(new ConfigurationService(logger));
  // The OpenAI-compatible OCR endpoint's key (from the environment variable the user names) is never logged either.
  const ocrEndpointKey = (): string[] => {
    const name = settings.get('ocr.apiKeyEnv');
    const key = name ? process.env[name]?.trim() : undefined;
    return key ? [key] : [];
  };
  const notifier = new Notifier(logger, testMode);
  const settingsGuard = register(new WorkspaceSettingsGuard(settings, notifier, logger, context.extension.id));
  const models = register(new RoleModels({ settings, notifier, logger, globalState: context.globalState }));
  // What the endpoints' responses said: the offline simulator says so in a header, nothing else is called one.
  const endpoints = new EndpointIdentity();
  // globalStorageUri is a file: URI wherever this (Node) extension host runs.
  const storage = context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : undefined;
  const spend = register(
    new SpendService({
      // The ledgers every window shares: DeepSeek's, and the offline simulator's kept apart beside it.
      storageDir: storage !== undefined ? path.join(storage, 'spend') : undefined,
      simulatorStorageDir: storage !== undefined ? path.join(storage, 'spend-simulator') : undefined,
      endpoints,
      legacyState: context.globalState,
      settings,
      notifier,
      logger,
      currentModel: () => models.forRole('chat').model,
    }),
  );
  const engine = register(new RequestEngine(context.secrets, keyStore, settings, spend, notifier, logger, models, providerKeys, endpoints));
  const providers: ProviderStatusSource = engine;
  // The tooltip's rate ("off-peak until 01:00 UTC") is refreshed when it runs out.
  const statusBar = register(new StatusBarController(() => void refreshStatus()));
  const spendDocument = register(new MarkdownDocument('deepseek-spend', 'DeepSeek Spend', () => spend.report(), spend.onDidChange));
  const lastRequestDocument = register(
    new MarkdownDocument('deepseek-request', 'DeepSeek Last Request', () => renderLastRequest(engine.lastRequest), engine.onDidSend),
  );
  const providersChanged = register(new vscode.EventEmitter<void>());
  const providerStatusDocument = register(
    new ProviderStatusDocument({ source: providers, primaryKey: keyStore, fallbackKeys: providerKeys, providersChanged: providersChanged.event, logger }),
  );
  const keyDeps: ApiKeyCommandsDeps = { store: keyStore, settings, notifier, logger, models, endpoints };

  const chatView = register(new ChatViewProvider(context.extensionUri, logger));
  register(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chatView, { webviewOptions: { retainContextWhenHidden: false } }));
  const contextService = register(new ContextService(context.extensionUri, settings, logger));
  const documentPolicy = new DocumentPolicy(() => contextService.readPolicy(), settings);
  const chatContext = register(
    new ChatContext(contextService.readPolicy(), () => vscode.workspace.isTrusted, async (uri) => (await documentPolicy.checkWorkspaceFile(uri)).allowed),
  );
  const uploadConsent = new UploadConsent(logger, testMode);
  const ocrCache = new OcrCache(storage !== undefined ? path.join(storage, 'ocr-cache') : undefined);
  const extraction = register(new ExtractionService({ settings, keyStore, spend, cache: ocrCache, consent: uploadConsent, policy: documentPolicy, logger }));
  const attachments = new ChatAttachments({
    extraction,
    vision: () => engine.roleModel(chat.model).vision,
    missPricePerMTok: () => spend.priceFor(engine.roleModel(chat.model).model)?.cacheMiss ?? 0,
    redact: () => settings.get('privacy.redact'),
  });
  const edits = register(
    new ProposedEdits(
      (message, ...actions) => notifier.info(message, ...actions),
      (message, settled, onCancel) => notifier.showUntil(message, settled, onCancel),
    ),
  );
  // The commands run through the chat, and the chat's slash commands run the commands: the chat is reached
  // through this closure, which is called only after both exist.
  const reasonerCommands: ReasonerCommands = new ReasonerCommands({ chat: { runCommand: (request) => chat.runCommand(request) }, context: contextService, edits, notifier, settings });
  const chat: ChatController = register(
    new ChatController({
      view: chatView,
      store: new ConversationStore(context.workspaceState),
      context: chatContext,
      engine,
      keyStore,
      settings,
      notifier,
      logger,
      edits,
      globalState: context.globalState,
      contextService,
      commands: reasonerCommands,
      endpoints,
      attachments,
      imageStore: new AttachmentStore(storage !== undefined ? path.join(storage, 'attachments') : undefined, logger),
    }),
  );
  chatView.setHandler(chat);

  const refreshStatus = async (): Promise<void> => {
    const key = await keyStore.resolve();
    statusBar.update({
      key,
      endpoint: endpoints.describe(settings.get('baseUrl')),
      spend: spend.view(),
      streaming: engine.inFlight > 0,
      serving: providers.serving(),
      compact: settings.get('statusBar.compact'),
    });
  };
  const refreshAll = async (): Promise<void> => {
    await refreshStatus();
    await chat.refresh();
  };

  // A key as a command argument is for tests only: any extension can run a command, and one that could set
  // the key could point the user's requests at an account it reads. Otherwise the user is asked.
  register(
    vscode.commands.registerCommand(CommandIds.setApiKey, (key?: unknown) => {
      if (!testMode && typeof key === 'string') {
        logger.warn('DeepSeek: Set API Key was given a key as an argument; ignored it and asked instead (arguments are accepted in test mode only)');
      }
      return setApiKey(keyDeps, testMode ? key : undefined);
    }),
  );
  register(vscode.commands.registerCommand(CommandIds.clearApiKey, () => clearApiKey(keyDeps)));
  // Ctrl+Alt+D: the view, then its composer (once the page has loaded, if it is loading).
  register(
    vscode.commands.registerCommand(CommandIds.openChat, async () => {
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
      chatView.focusInput();
    }),
  );
  register(
    vscode.commands.registerCommand(CommandIds.showChatHistory, async () => {
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
      chatView.showHistory();
    }),
  );
  register(
    vscode.commands.registerCommand(CommandIds.newChat, async () => {
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
      await chat.newChat();
    }),
  );
  register(vscode.commands.registerCommand(CommandIds.showSpend, () => spendDocument.show()));
  register(vscode.commands.registerCommand(CommandIds.showLastRequest, () => lastRequestDocument.show()));
  register(vscode.commands.registerCommand(CommandIds.showProviderStatus, () => providerStatusDocument.show()));
  const extractText = register(new ExtractTextCommand(extraction, notifier));
  register(vscode.commands.registerCommand(CommandIds.extractText, (uri?: unknown, uris?: unknown) => extractText.run(uri, uris)));
  register(vscode.commands.registerCommand(CommandIds.addToChat, (uri?: unknown, uris?: unknown) => addToChat({ notifier, attach: (sources) => chat.attach(sources) }, uri, uris)));
  for (const d of registerFallbackKeyCommands({ keys: providerKeys, providers: () => providers.providers(), notifier, logger }, testMode)) {
    register(d);
  }
  register(
    vscode.commands.registerCommand(CommandIds.resetSessionSpend, () => {
      spend.resetSession();
      void notifier.info('DeepSeek session spend reset. Today\'s and all-time figures are kept.');
    }),
  );
  const completions = register(
    registerCompletions({
      settings,
      notifier,
      logger,
      readPolicy: () => contextService.readPolicy(),
      relative: (uri) => contextService.relative(uri),
      complete: (task) => engine.complete(task),
      reportFailure: (failure) => engine.reportFailure(failure),
      pausedReason: () => engine.completionsPausedReason,
      onDidChangeHealth: engine.onDidChangeHealth,
      stats: {
        shown: () => spend.recordCompletionShown(),
        accepted: () => spend.recordCompletionAccepted(),
        partiallyAccepted: (chars) => spend.recordCompletionPartiallyAccepted(chars),
      },
    }),
  );
  for (const d of reasonerCommands.register()) {
    register(d);
  }
  // Generate Commit Message (the Source Control view's title and input box).
  const commitMessages = new CommitMessages({ engine, notifier, logger, readPolicy: () => contextService.readPolicy() });
  for (const d of commitMessages.register()) {
    register(d);
  }
  // @deepseek in VS Code's own chat: the same instructions, context and prompt builder, through the same engine.
  const participant = new DeepSeekParticipant({ engine, contextService, settings, notifier, logger, commits: commitMessages });
  for (const d of participant.register(context.extensionUri)) {
    register(d);
  }
  register(vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new DeepSeekCodeActions(), DeepSeekCodeActions.metadata()));
  // DeepSeek in VS Code's own chat and for `vscode.lm` callers, through the same engine.
  const lmProvider = register(new DeepSeekChatProvider({ engine, models, keyStore, settings, notifier, logger, state: context.workspaceState }));
  register(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, lmProvider));

  register(
    keyStore.onDidChange((key) => {
      models.keepOnly(key.key); // another account may list other models; Set API Key reads the new key's list
      void refreshAll();
    }),
  );
  register(models.onDidChange(() => void refreshAll()));
  register(spend.onDidChange(() => void refreshStatus()));
  // The status bar already follows through spend.onDidChange; the chat names the endpoint too.
  register(endpointsChanged(endpoints, () => void chat.refresh()));
  register(engine.onDidChangeActive(() => void refreshStatus()));
  register(providers.onDidChangeHealth(() => void refreshStatus()));
  register(
    settings.onDidChange((keys) => {
      if (keys.includes('baseUrl') || keys.includes('fallbackProviders')) providersChanged.fire();
      // What each role resolves to shows in the chat's model picker and decides the readout's rate.
      if (keys.includes('baseUrl') || keys.some((k) => k.startsWith('models.'))) void refreshAll();
      else if (keys.some((k) => k === 'budget.session' || k === 'pricing' || k === 'fallbackProviders' || k === 'statusBar.compact')) void refreshStatus();
    }),
  );

  const settingsChecked = settingsGuard.check();

  const startup = keyStore.resolve().then(async (key) => {
    await refreshStatus();
    if (key.source === 'none') {
      void promptForMissingKey(keyDeps);
    }
  });
  startup.catch((err: unknown) => logger.error('startup failed', err));

  const activateMs = performance.now() - clock.activateStartedAt;
  const activation = { bundleEvaluatedMs: clock.bundleEvaluatedMs, activateMs, totalMs: clock.bundleEvaluatedMs + activateMs };
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  logger.info(
    `DeepSeek Assistant ${version} activated in ${activation.totalMs.toFixed(1)} ms ` +
      `(modules ${activation.bundleEvaluatedMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms)`,
  );

  const api: DeepSeekAssistantApi = {
    version,
    activation,
    apiKeySource: async () => (await keyStore.resolve()).source,
    spend: () => spend.view(),
    statusBar: () => statusBar.snapshot(),
    chatViewVisible: () => chatView.visible,
  };
  return exposeApi(testMode, api, () => ({
    checkConnection: async () => {
      const key = await keyStore.resolve();
      if (!key.key) {
        return { ok: false, failure: { kind: 'auth', retryable: false, message: 'No DeepSeek API key is set.' } };
      }
      return checkConnection(settings.get('baseUrl'), key.key, undefined, endpoints);
    },
    ask: async (prompt, options = {}) => {
      const result = await engine.chat({
        surface: 'chat',
        role: options.role ?? 'chat',
        build: () => ({ messages: [{ role: 'user' as const, content: prompt }] }),
        budget: modalBudgetPolicy(notifier),
        ...(options.token ? { token: options.token } : {}),
      });
      if (isNotSent(result)) {
        void engine.reportFailure(RequestEngine.notSentFailure(result));
        return undefined;
      }
      if (result.failure) {
        void engine.reportFailure(result.failure);
      }
      return result;
    },
    askInChat: async (question, role = 'chat') => {
      const turn = await chat.ask(question, role);
      return turn === 'busy' ? undefined : turn;
    },
    lastRequest: () => engine.lastRequest,
    providerStatus: () => engine.providerStatus(),
    resetProviderHealth: () => engine.resetProviderHealth(),
    completionStatus: () => completions.status(),
    contextStatus: () => contextService.status(),
    completionRequests: () => completions.requests,
    complete: (prefix, suffix) => engine.complete({ prefix, ...(suffix !== undefined ? { suffix } : {}), maxTokens: 64, budget: DECLINE_OVER_BUDGET }),
    newChat: () => chat.newChat(),
    sendFromChatView: async (message) => {
      const posted: HostMessage[] = [];
      const listening = chatView.onDidPost((m) => posted.push(m));
      try {
        await chatView.receive(message);
      } finally {
        listening.dispose();
      }
      return posted;
    },
    chatSessionCount: () => chat.sessionCount,
    stopChat: () => chat.stop(),
    chatState: () => chat.state(),
    recentNotices: () => notifier.recent(),
    clickNotice: (pattern, action) => notifier.click(pattern, action),
    workspaceSettingsChecked: async () => {
      await settingsChecked;
      await settingsGuard.check();
    },
    participant: {
      run: (prompt, command, references, token, history) => recordingParticipantRun(participant, {
        prompt,
        ...(command !== undefined ? { command } : {}),
        ...(references ? { references } : {}),
        ...(token ? { token } : {}),
        ...(history ? { history } : {}),
      }),
    },
    documents: {
      consentQuestions: () => uploadConsent.questions(),
      answerConsent: (choice) => uploadConsent.answer(choice),
      resetConsent: () => uploadConsent.reset(),
      clearCache: () => ocrCache.clear(),
      cancelAll: () => extraction.cancelAll(),
      inProgress: () => extraction.inProgress,
      progress: () => extraction.recentProgress(),
    },
  }));
}

/** A listener on the endpoint identity, as a disposable for context.subscriptions. */
function endpointsChanged(endpoints: EndpointIdentity, listener: () => void): vscode.Disposable {
  const subscription = endpoints.onDidChange(listener);
  return new vscode.Disposable(() => subscription.dispose());
}
