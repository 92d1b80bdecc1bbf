import * as vscode from 'vscode';
import { AccountDefinition } from '../core/accounts/account';
import { TrafficLine } from '../core/traffic/trafficLine';
import { formatTrafficLine } from '../core/traffic/trafficTap';

/** One LogOutputChannel per account, "Mail Inspector: <account>", created on first use. */
export class TrafficChannels implements vscode.Disposable {
  private readonly channels = new Map<string, vscode.LogOutputChannel>();

  channel(account: AccountDefinition): vscode.LogOutputChannel {
    let channel = this.channels.get(account.id);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Mail Inspector: ${account.label}`, { log: true });
      this.channels.set(account.id, channel);
    }
    return channel;
  }

  /** A sink for the account's traffic tap. Lines arrive already masked. */
  sink(account: AccountDefinition): (line: TrafficLine) => void {
    return (line) => {
      const channel = this.channel(account);
      const text = formatTrafficLine(line);
      // Info level, so the conversation shows at the default log level (trace would hide it).
      channel.info(text);
    };
  }

  show(account: AccountDefinition): void {
    this.channel(account).show(true);
  }

  remove(accountId: string): void {
    this.channels.get(accountId)?.dispose();
    this.channels.delete(accountId);
  }

  dispose(): void {
    for (const channel of this.channels.values()) channel.dispose();
    this.channels.clear();
  }
}
