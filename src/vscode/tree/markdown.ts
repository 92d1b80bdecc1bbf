export { escapeMarkdown } from '../../core/markdown';
