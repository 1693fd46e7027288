import { quoteArg } from './formatCommand';
import type { Argv, GcloudStep } from './gcloudStep';

// Longer commands put each --flag on a continuation line, so a reader can scan them.
const WRAP_AT = 100;

/**
 * The plan as a shell script: one block per step, `# [i/n] title` then the exact
 * command(s). Guarded creates read `describe … || create …`; captured values are shell
 * variables assigned from the command that produces them, so the text can be pasted
 * into bash or zsh as it is.
 */
export function formatScript(steps: readonly GcloudStep[], header: readonly string[] = []): string {
  const lines = header.map((h) => `# ${h}`);
  steps.forEach((step, i) => {
    if (lines.length) lines.push('');
    lines.push(`# [${i + 1}/${steps.length}] ${step.title}`);
    switch (step.kind) {
      case 'run':
        lines.push(commandText(step.argv));
        break;
      case 'ensure':
        if (step.existsWhen === 'prints') lines.push(`[ -n "$(${commandText(step.check)} 2>/dev/null)" ] ||`, `  ${commandText(step.create)}`);
        else lines.push(`${commandText(step.check)} >/dev/null 2>&1 ||`, `  ${commandText(step.create)}`);
        break;
      case 'require':
        lines.push('# must succeed; otherwise:', ...step.hint.split('\n').map((h) => `#   ${h}`), `${commandText(step.check)} >/dev/null`);
        break;
      case 'capture':
        lines.push(`${step.name}=$(${commandText(step.argv)})`);
        break;
      case 'remove':
        if (step.captureAs !== undefined) {
          // The first line only (cut at the first whitespace: ids have none), without a `head` to find on PATH.
          const v = step.captureAs;
          lines.push(`${v}=$(${commandText(step.check)} 2>/dev/null); ${v}=\${${v}%%[[:space:]]*}`, `[ -z "$${v}" ] ||`, `  ${commandText(step.delete)}`);
        } else if (step.existsWhen === 'prints') lines.push(`[ -z "$(${commandText(step.check)} 2>/dev/null)" ] ||`, `  ${commandText(step.delete)}`);
        else lines.push(`! ${commandText(step.check)} >/dev/null 2>&1 ||`, `  ${commandText(step.delete)}`);
        break;
    }
  });
  return lines.join('\n') + '\n';
}

function commandText(argv: Argv): string {
  const words = argv.map(quoteArg);
  const flat = words.join(' ');
  if (flat.length <= WRAP_AT) return flat;
  return words.map((w, i) => (i === 0 ? w : /^['"]?--/.test(w) ? ` \\\n    ${w}` : ` ${w}`)).join('');
}
