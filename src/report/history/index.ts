/** The history reporters: history.html, history.csv and the terminal summary. */
export { renderHistoryHtml } from './page.ts';
export { renderHistoryCsv, HISTORY_CSV_COLUMNS } from './csv.ts';
export { renderHistoryText } from './text.ts';
