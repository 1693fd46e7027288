/** A table row's cells, trimmed, without the outer pipes. */
export type TableRow = readonly string[];

/**
 * The body rows of every table under the `## heading` (its `###` subsections included, up to
 * the next `##`), header and separator rows left out. Pipes inside backticks do not split.
 */
export function tableRowsUnder(markdown: string, heading: string): TableRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  const rows: TableRow[] = [];
  let inTable = false;
  for (const line of section) {
    if (!line.trim().startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = splitRow(line);
    if (!inTable) {
      inTable = true; // the header row
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (const ch of body) {
    if (ch === '`') inCode = !inCode;
    if (ch === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}
