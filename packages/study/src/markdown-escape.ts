// User strings (study names, descriptions, noise labels) in report.md: one line, no HTML, no markdown structure.
// Without this a description could carry raw <script> or <img onerror> into a rendered report, or start a heading.

/** Escape a user string for inline use in markdown: newlines become spaces, HTML and markdown syntax is escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-!|~])/g, '\\$1');
}
