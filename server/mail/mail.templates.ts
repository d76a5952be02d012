import type { Eta } from 'eta';
import type { MailRenderer } from './mail.types.ts';

/**
 * E-mails are Eta templates beside the pages of the domain that sends them, named
 * `<domain>/<name>` (e.g. `signing/signing-request`), rendered by the one Eta instance of the
 * app: `<name>.html.eta` (escaped output, layout views/layouts/mail.html.eta) and `<name>.txt.eta`.
 * Plain-text templates print with `<%~ %>` (raw): HTML escaping would show "&amp;" in a text
 * part, and a text part cannot inject markup.
 */
export function createMailRenderer(templates: Eta): MailRenderer {
  return async (name, data) => {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(name)) throw new Error(`Invalid mail template name "${name}"`);
    const [html, text] = await Promise.all([
      templates.renderAsync(`/${name}.html.eta`, data),
      templates.renderAsync(`/${name}.txt.eta`, data),
    ]);
    return { html, text: normaliseText(text) };
  };
}

/** Trailing spaces off, at most one empty line in a row, one final newline. */
function normaliseText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
