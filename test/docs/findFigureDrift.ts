import { tableRowsUnder } from './markdownTables';

/**
 * Compares the README's "Measured" table with the current figures of docs/performance.md,
 * the one place the figures live: each README row must name a command that has a row there
 * (a command cell of "same" repeats the row above), and every number of its figure and
 * date cells must appear in that command's rows. Returns one line per disagreement.
 */
export function findFigureDrift(readme: string, performance: string): string[] {
  const sourceRows = tableRowsUnder(performance, 'Current figures');
  const numbersByCommand = new Map<string, Set<string>>();
  let previousCommand = '';
  for (const row of sourceRows) {
    if (row.length < 4) continue;
    const command = row[3] === 'same' || row[3]!.startsWith('same ') ? previousCommand : row[3]!;
    previousCommand = command;
    const numbers = numbersByCommand.get(command) ?? new Set<string>();
    for (const n of numbersIn(`${row[1]} ${row[2]}`)) numbers.add(n);
    numbersByCommand.set(command, numbers);
  }
  const readmeRows = tableRowsUnder(readme, 'Measured');
  if (readmeRows.length === 0) return ['README.md has no "## Measured" table'];
  if (sourceRows.length === 0) return ['docs/performance.md has no table under "## Current figures"'];
  const problems: string[] = [];
  for (const row of readmeRows) {
    const [what = '', figure = '', measured = '', command = ''] = row;
    const source = numbersByCommand.get(command);
    if (!source) {
      problems.push(`README "${what}": no row of docs/performance.md's current figures has the command ${command}`);
      continue;
    }
    const missing = numbersIn(`${figure} ${measured}`).filter((n) => !source.has(n));
    if (missing.length > 0) problems.push(`README "${what}": ${missing.join(', ')} not in docs/performance.md's rows for ${command}`);
  }
  return problems;
}

/** Dates and numbers as written (`2026-12-06`, `88.7`, `1,000`, `12000`); not the 50 of `p50`. HTML comments are notes, not figures. */
export function numbersIn(text: string): string[] {
  return text.replace(/<!--[\s\S]*?-->/g, '').match(/(?<![\w.,])(\d{4}-\d{2}-\d{2}|\d+(?:[.,]\d+)*)/g) ?? [];
}
