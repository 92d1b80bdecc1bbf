// src/core/ must not depend on VS Code. src/core/tsconfig.json (and tsconfig.test.json, which builds the core for the
// tests) map the module name 'vscode' to this file, which is deliberately not a module, so any import of 'vscode' in
// the core fails the type check with "File '…/vscodeIsNotAllowedInCore.d.ts' is not a module" (TS2306), even though
// @types/vscode is installed for src/vscode/. ESLint's no-restricted-imports says the same in the editor.
declare const vscodeIsNotAllowedInCore: unique symbol;
