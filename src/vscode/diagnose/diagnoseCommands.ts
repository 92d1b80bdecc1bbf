import * as vscode from 'vscode';
import type { AccountService } from '../accountService';
import { reportError } from '../commands/reportError';
import type { TreeNode } from '../tree/treeNode';
import type { DiagnosisReports } from './diagnoseRun';

export interface DiagnoseCommandDeps {
  readonly accounts: AccountService;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Diagnose Connection…" on account rows and in the palette (where it can also diagnose a server that is no
 * account). Only this shell is in the activation bundle: the prompts, the core's diagnosis and the report
 * documents are loaded on first use (chunk "diagnose").
 */
export function registerDiagnoseCommands(deps: DiagnoseCommandDeps): vscode.Disposable[] {
  let reports: Promise<DiagnosisReports> | undefined;
  const load = (): Promise<DiagnosisReports> => (reports ??= import(/* webpackChunkName: "diagnose" */ './diagnoseRun').then((m) => new m.DiagnosisReports(deps)));
  return [
    vscode.commands.registerCommand('mailInspector.diagnoseConnection', async (node?: TreeNode) => {
      try {
        await (await load()).run(node);
      } catch (error) {
        reportError(deps.log, 'Diagnose Connection failed', error, node);
      }
    }),
    { dispose: () => void reports?.then((r) => r.dispose()) },
  ];
}
