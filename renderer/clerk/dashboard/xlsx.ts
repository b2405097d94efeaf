/**
 * The dashboard's tables as one xlsx workbook. write-excel-file's `universal` build: no Web Worker for
 * small sheets (fflate compresses files under 160 kB on the calling thread, and the CSP allows no
 * blob: workers); every dashboard table is far below. Loaded only when someone exports.
 */
import writeXlsxFile from 'write-excel-file/universal';
import type { Table } from './export';

/** One workbook, one sheet per table (header row bold). */
export function tablesXlsx(tables: readonly Table[]): Promise<Blob> {
  const used = new Set<string>();
  const sheets = tables.map((tb) => {
    let name = tb.name;
    for (let i = 2; used.has(name); i++) name = `${tb.name.slice(0, 28)}(${i})`;
    used.add(name);
    // a formula-looking text stays text: write-excel-file writes strings as strings (no formulas)
    const rows = [tb.header.map((h) => ({ value: h, fontWeight: 'bold' as const })), ...tb.rows.map((r) => r.map((c) => (typeof c === 'number' ? { value: c, type: Number } : { value: c, type: String })))];
    return { data: rows, sheet: name, columns: tb.header.map((h) => ({ width: Math.max(10, Math.min(40, h.length * 2 + 4)) })) };
  });
  return writeXlsxFile(sheets as never).toBlob();
}
