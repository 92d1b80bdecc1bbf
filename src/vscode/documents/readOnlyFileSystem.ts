import * as vscode from 'vscode';

/**
 * The parts of a read-only FileSystemProvider that refuse every change: documents of the mail-inspector schemes
 * show what the server holds, and a tab never writes back. Subclasses provide stat, readFile and the change event.
 */
export abstract class ReadOnlyFileSystem {
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
