import * as vscode from 'vscode';

/** How long work may take before a cancellable progress notification appears. */
export const PROGRESS_DELAY_MS = 400;

/**
 * Runs cancellable work; if it takes longer than a moment, shows a progress notification whose Cancel
 * aborts it. Quick work shows nothing.
 */
export async function withDelayedProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const running = work(controller.signal);
  const quick = await Promise.race([running.then(() => true, () => true), delay(PROGRESS_DELAY_MS).then(() => false)]);
  if (!quick) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const subscription = token.onCancellationRequested(() => controller.abort());
      return running.finally(() => subscription.dispose()).catch(() => undefined);
    });
  }
  return running;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
