/**
 * Every string that comes from a scenario, a result or the environment passes through one of these
 * before it enters a report: user data must not become markup, table structure or a formula.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** XML text and attribute values; characters XML 1.0 cannot carry at all are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!);
}

/**
 * Text from results is user data: keep it from breaking a table cell (|), adding emphasis, code
 * or links, or slipping in HTML. Parentheses are harmless once brackets are escaped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, (ch) => `\\${ch}`).replace(/[\r\n]+/g, ' ');
}

/**
 * A CSV cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, as OWASP advises; numbers are written as numbers and never pass through here.
 */
export function escapeCsvCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
