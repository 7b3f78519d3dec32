/** CSV as RFC 4180 writes it, with cells a spreadsheet would run as formulas made inert. */

/** A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The UTF-8 byte order mark, without which Excel reads a CSV file as the local code page. */
export const UTF8_BOM = "\uFEFF";

/**
 * One cell: empty for null, numbers as they are, text starting like a formula behind a single
 * quote (OWASP's advice on CSV injection), and quoted with doubled quotes when it holds a
 * comma, quote, CR or LF.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ended with CRLF. */
export function csvRow(values: readonly (string | number | null)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
