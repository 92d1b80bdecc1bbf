import * as vscode from 'vscode';
import { AccountDefinition, defaultPort, hasControlCharacters, Protocol, Security } from '../../core/accounts/account';
import type { CredentialProvider } from '../../core/credentials/credentialProvider';
import { diagnose, DiagnoseTarget, diagnosisMarkdown } from '../../core/diagnose/diagnosis';
import { diagnoseTargetOf } from '../../core/diagnose/diagnoseTarget';
import type { TrafficTap } from '../../core/traffic/trafficTap';
import { accountOf } from '../tree/accountsTree';
import type { TreeNode } from '../tree/treeNode';
import type { DiagnoseCommandDeps } from './diagnoseCommands';

/** The reports' documents: read-only, never saved anywhere unless the user saves a copy. */
export const DIAGNOSIS_SCHEME = 'mail-inspector-diagnosis';
/** Reports kept for their tabs; older ones are dropped (their tabs then show nothing after a reload). */
const KEPT = 20;

interface Subject {
  readonly target: DiagnoseTarget;
  readonly label: string;
  readonly credentials: CredentialProvider | undefined;
  readonly tap?: TrafficTap;
}

interface ServerItem extends vscode.QuickPickItem {
  readonly account?: AccountDefinition;
}

/**
 * Runs Diagnose Connection and shows its report. On an account: its settings, its password (stored, or asked
 * as for any connection), its traffic tap (the diagnosis's conversation shows in its traffic). From the palette
 * with "Another server…": host, protocol, security, port and an optional user; without a user it stops before
 * login, with one it asks the password once, for this run only (never stored).
 */
export class DiagnosisReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private runs = 0;

  constructor(private readonly deps: DiagnoseCommandDeps) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DIAGNOSIS_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'This diagnosis is no longer kept: run Diagnose Connection again.';
  }

  async run(node: TreeNode | undefined): Promise<void> {
    const subject = await this.subject(node);
    if (!subject) return;
    const { target } = subject;
    const title = `Diagnosing ${target.protocol.toUpperCase()} ${target.host}:${target.port}`;
    const diagnosis = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await diagnose(target, {
          limits: this.deps.accounts.settings.limits,
          signal: controller.signal,
          onStep: (step) => progress.report({ message: step }),
          ...(subject.credentials ? { credentials: subject.credentials } : {}),
          ...(subject.tap ? { tap: subject.tap } : {}),
        });
      } finally {
        cancel.dispose();
      }
    });
    if (/cancelled/i.test(diagnosis.stopped ?? '')) return;
    const counts = (['error', 'warning', 'info'] as const).map((s) => `${diagnosis.findings.filter((f) => f.severity === s).length} ${s}`).join(', ');
    this.deps.log.info(`Diagnosis of ${subject.label} (${target.host}:${target.port}): ${counts}${diagnosis.stopped ? `; stopped: ${diagnosis.stopped}` : ''}`);
    const uri = vscode.Uri.from({ scheme: DIAGNOSIS_SCHEME, path: `/Diagnosis of ${fileName(subject.label)}.md`, query: `run=${++this.runs}` });
    this.keep(uri.toString(), diagnosisMarkdown(diagnosis));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.reports.clear();
  }

  private keep(key: string, text: string): void {
    this.reports.set(key, text);
    for (const old of this.reports.keys()) {
      if (this.reports.size <= KEPT) break;
      this.reports.delete(old);
    }
  }

  private async subject(node: TreeNode | undefined): Promise<Subject | undefined> {
    const { accounts } = this.deps;
    let account = accountOf(node);
    if (!account) {
      const items: ServerItem[] = [
        ...accounts.accounts().map((a) => ({ label: a.label, description: `${a.protocol.toUpperCase()} · ${a.host}:${a.port}`, account: a })),
        { label: 'Another server…', detail: 'Host, port, protocol and security, without creating an account' },
      ];
      const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: 'Diagnose Connection', placeHolder: 'Account or server to diagnose' });
      if (!picked) return undefined;
      if (!picked.account) return this.askServer();
      account = picked.account;
    }
    const chosen = account;
    const store = accounts.credentials;
    return {
      target: diagnoseTargetOf(chosen),
      label: chosen.label,
      // The account's own password, stored or asked for as any of its connections would.
      credentials: { get: () => store.get(chosen), invalidate: () => store.invalidate(chosen) },
      tap: accounts.traffic(chosen),
    };
  }

  /** Host, protocol, security, port and an optional user, typed for this run only. */
  private async askServer(): Promise<Subject | undefined> {
    const title = 'Diagnose Connection: another server';
    const host = await vscode.window.showInputBox({
      title,
      prompt: 'Host name or address of the mail server',
      placeHolder: 'mail.example.com',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'Enter a host' : /\s/.test(v.trim()) || hasControlCharacters(v) ? 'A host has no spaces' : undefined),
    });
    if (host === undefined) return undefined;
    const protocol = await vscode.window.showQuickPick(
      [
        { label: 'IMAP', protocol: 'imap' as Protocol },
        { label: 'POP3', protocol: 'pop3' as Protocol },
      ],
      { title, placeHolder: 'Protocol' },
    );
    if (!protocol) return undefined;
    const security = await vscode.window.showQuickPick(
      [
        { label: 'TLS', description: 'encrypted from the first byte', security: 'tls' as Security },
        { label: 'STARTTLS', description: `${protocol.label === 'IMAP' ? 'STARTTLS' : 'STLS'} after connecting in plain text`, security: 'starttls' as Security },
        { label: 'None', description: 'plain text (passwords travel unencrypted)', security: 'none' as Security },
      ],
      { title, placeHolder: 'Security' },
    );
    if (!security) return undefined;
    const suggested = String(defaultPort(protocol.protocol, security.security));
    const port = await vscode.window.showInputBox({
      title,
      prompt: 'Port',
      value: suggested,
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d{1,5}$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'A port is a number from 1 to 65535'),
    });
    if (port === undefined) return undefined;
    const user = await vscode.window.showInputBox({
      title,
      prompt: 'User name, to try a login (leave empty to stop before login)',
      ignoreFocusOut: true,
      validateInput: (v) => (hasControlCharacters(v) ? 'A user name has no line breaks' : undefined),
    });
    if (user === undefined) return undefined;
    const target: DiagnoseTarget = { protocol: protocol.protocol, host: host.trim(), port: Number(port), security: security.security, ...(user.trim() ? { user: user.trim() } : {}) };
    return { target, label: `${user.trim() ? `${user.trim()}@` : ''}${target.host}`, credentials: user.trim() ? askOnce(target) : undefined };
  }
}

/** A password asked for once, when the diagnosis is about to log in, and kept only for this run. */
function askOnce(target: DiagnoseTarget): CredentialProvider {
  let asked: Promise<string | undefined> | undefined;
  return {
    get: () =>
      (asked ??= Promise.resolve(
        vscode.window.showInputBox({
          title: `Password for ${target.user ?? ''} on ${target.host}:${target.port}`,
          prompt: 'Used for this diagnosis only, never stored. Leave empty (or Escape) to stop before login.',
          password: true,
          ignoreFocusOut: true,
        }),
      ).then((p) => (p ? p : undefined))),
    invalidate: () => undefined,
  };
}

/** A label as a file name: no path separators or characters a tab title should not show. */
function fileName(label: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return label.replace(/[/\\:*?"<>|\x00-\x1f]/g, '_').slice(0, 80);
}
