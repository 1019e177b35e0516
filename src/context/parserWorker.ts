import { parentPort, workerData, type MessagePort } from 'worker_threads';
import { ParserService } from './parserService';
import { errorToData, InProcessSyntax, isCallOp, runSyntaxCall, type SyntaxRequest, type SyntaxResponse, type SyntaxWorkerData } from './syntaxService';

/**
 * The parser worker (`worker_threads`), started by `WorkerSyntax`: an `InProcessSyntax` on this thread, so
 * the trees, the web-tree-sitter runtime (required by path, as ParserService always does) and its wasm
 * memory live here and a parse never runs on the host's event loop. The protocol is in syntaxService.ts.
 *
 * Requests are handled in arrival order, one at a time (InProcessSyntax queues them), so responses go back
 * in request order. An error in one request is that request's error response; it never stops the worker.
 */

function hostPort(): MessagePort {
  if (!parentPort) {
    throw new Error('parserWorker.js runs as a worker_threads Worker');
  }
  return parentPort;
}

const port = hostPort();
const data = workerData as SyntaxWorkerData;
const engine = new InProcessSyntax(new ParserService(data.assets, { parseTimeoutMs: data.parseTimeoutMs, maxTrees: data.maxTrees }));

function respond(response: SyntaxResponse): void {
  try {
    port.postMessage(response);
  } catch (err) {
    // A result that cannot be cloned (should not happen: results are plain data): answer with the error.
    port.postMessage({ id: response.id, ok: false, error: errorToData(err) } satisfies SyntaxResponse);
  }
}

function dispatch(request: SyntaxRequest): Promise<unknown> | undefined {
  switch (request.op) {
    case 'preload':
    case 'analyse':
    case 'declarationsOnce':
    case 'stats':
      return runSyntaxCall(engine, request);
    case 'applyChanges':
      engine.applyChanges(...request.args);
      return undefined;
    case 'forget':
      engine.forget(...request.args);
      return undefined;
    default:
      throw new Error(`unknown parser worker request ${JSON.stringify((request as { op?: unknown }).op)}`);
  }
}

/** The last answer sent (or about to be): each answer waits for it, so answers keep request order. */
let answered: Promise<void> = Promise.resolve();

port.on('message', (request: SyntaxRequest) => {
  let result: Promise<unknown> | undefined;
  try {
    result = dispatch(request);
  } catch (err) {
    result = Promise.reject(err);
  }
  if (!isCallOp(request.op)) {
    result?.catch(() => undefined);
    return;
  }
  const settled = result ?? Promise.resolve(undefined);
  answered = answered.then(() =>
    settled.then(
      (value) => respond({ id: request.id, ok: true, result: value }),
      (err: unknown) => respond({ id: request.id, ok: false, error: errorToData(err) }),
    ),
  );
});
