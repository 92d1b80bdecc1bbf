import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { AccountDefinition } from '../../core/accounts/account';
import { bugReportMarkdown, ReportDiagnosis } from '../../core/diagnose/bugReport';
import { reportDiagnosis } from '../../core/diagnose/bugReportDiagnosis';
import { resolveAccount } from '../commands/accountCommands';
import { reportError } from '../commands/reportError';
import { SECTION } from '../settings';
import type { TreeNode } from '../tree/treeNode';
import type { BugReportCommandDeps } from './bugReportCommands';

const EXTENSION_ID = 'mail-inspector.mail-inspector';
const DIAGNOSE = 'Run a diagnosis';
const REDACT = 'Replace host names, user names and addresses by placeholders';

interface Choices {
  readonly diagnose: boolean;
  readonly redact: boolean;
  readonly minutes: number;
}

/**
 * Copy Bug Report…: asks what to include (a diagnosis, which connects and logs in; placeholders for names; how many
 * minutes of traffic), builds the report in the core, copies it to the clipboard and offers to save it as a file.
 * Everything in it is masked already; the stored password is scrubbed once more as a last line of defence.
 */
export async function copyBugReport(deps: BugReportCommandDeps, node?: TreeNode): Promise<void> {
  const { accounts, log } = deps;
  const account = await resolveAccount(accounts, node, 'Account to report on');
  if (!account) return;
  const choices = await ask(account);
  if (!choices) return;
  try {
    const diagnosis = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Bug report for ${account.label}`, cancellable: true },
      async (progress, token): Promise<ReportDiagnosis | undefined> => {
        if (!choices.diagnose) return { skipped: 'the diagnosis was not chosen when the report was made.' };
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const result = await reportDiagnosis(account, {
            credentials: accounts.credentials,
            limits: accounts.settings.limits,
            tap: accounts.traffic(account),
            onStep: (step) => progress.report({ message: step }),
            signal: controller.signal,
          });
          return controller.signal.aborted ? undefined : result;
        } finally {
          subscription.dispose();
        }
      },
    );
    if (!diagnosis) return;
    const stored = await accounts.credentials.stored(account.id);
    const all = accounts.accounts();
    const text = bugReportMarkdown({
      account,
      madeAt: new Date(),
      versions: versions(),
      settings: currentSettings(),
      record: accounts.traffic(account).record,
      trafficMinutes: choices.minutes,
      diagnosis,
      ...(choices.redact ? { redact: { hosts: all.map((a) => a.host), users: all.map((a) => a.user) } } : {}),
      ...(stored ? { secrets: [stored] } : {}),
    });
    await vscode.env.clipboard.writeText(text);
    log.info(`Copied a bug report for ${account.label} (${text.length} characters${choices.redact ? ', names replaced by placeholders' : ''}).`);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const target = await vscode.window.showSaveDialog({
      title: 'The bug report is on the clipboard. Save it as a file too?',
      defaultUri: vscode.Uri.joinPath(folder, `mail-inspector-bug-report-${account.id}.md`),
      filters: { Markdown: ['md'] },
    });
    if (target) {
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      void vscode.window.showInformationMessage(`The bug report was copied to the clipboard and saved as ${target.fsPath}.`);
    } else {
      void vscode.window.showInformationMessage('The bug report was copied to the clipboard.');
    }
  } catch (error) {
    reportError(log, `The bug report for ${account.label} could not be made`, error);
  }
}

async function ask(account: AccountDefinition): Promise<Choices | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: DIAGNOSE, description: `connects to ${account.host} and logs in`, picked: true },
      { label: REDACT, description: 'for a public ticket', picked: true },
    ],
    { canPickMany: true, title: `Bug report for ${account.label}`, placeHolder: 'What the report includes besides versions, settings (no secrets) and masked traffic' },
  );
  if (!picked) return undefined;
  const suggested = vscode.workspace.getConfiguration(SECTION).get<number>('bugReport.trafficMinutes', 15);
  const minutes = await vscode.window.showInputBox({
    title: `Bug report for ${account.label}`,
    prompt: 'Minutes of traffic to include (passwords masked, message contents left out)',
    value: String(suggested),
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1440 ? undefined : 'A whole number of minutes from 1 to 1440.'),
  });
  if (minutes === undefined) return undefined;
  const labels = new Set(picked.map((p) => p.label));
  return { diagnose: labels.has(DIAGNOSE), redact: labels.has(REDACT), minutes: Number(minutes.trim()) };
}

function versions(): { extension: string; vscode: string; node: string; platform: string } {
  const version: unknown = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.version;
  return { extension: typeof version === 'string' ? version : 'unknown', vscode: `${vscode.version} (${vscode.env.appName})`, node: process.versions.node, platform: `${process.platform} ${process.arch}` };
}

/** Every `mailInspector.*` setting the extension declares, as it is in effect now; accounts from the user settings only. */
function currentSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const declared: unknown = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.configuration?.properties;
  const keys = typeof declared === 'object' && declared !== null ? Object.keys(declared).filter((k) => k.startsWith(`${SECTION}.`)) : [];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = key.slice(SECTION.length + 1);
    out[name] = name === 'accounts' ? (config.inspect<unknown>('accounts')?.globalValue ?? []) : config.get<unknown>(name);
  }
  return out;
}
