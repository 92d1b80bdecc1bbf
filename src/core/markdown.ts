/** Escapes text from mail or servers (subjects, names, folder paths) for a MarkdownString tooltip, so it shows as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
