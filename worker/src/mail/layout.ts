/** Shared HTML frame for every mail: inline styles only, no images, fonts or remote assets. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

export interface MailBody {
  /** Plain paragraphs, escaped on output. */
  paragraphs: string[];
  /** Pre-escaped HTML blocks placed after the paragraphs (lists). */
  extraHtml?: string;
  action: { label: string; url: string };
  footer: string;
}

export function renderHtml(title: string, body: MailBody): string {
  const paragraphs = body.paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('\n');
  const url = escapeHtml(body.action.url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f1ea;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d1b16">
<div style="max-width:520px;margin:0 auto;background:#ffffff;border:4px solid #1d1b16;padding:24px">
<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(title)}</h1>
${paragraphs}
${body.extraHtml ?? ''}
<p style="margin:24px 0"><a href="${url}" style="display:inline-block;background:#1d1b16;color:#ffffff;padding:10px 16px;text-decoration:none;font-weight:bold">${escapeHtml(body.action.label)}</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#5c574c">If the button does not work, open this link: <a href="${url}" style="color:#5c574c">${url}</a></p>
<p style="margin:16px 0 0;font-size:12px;color:#5c574c">${escapeHtml(body.footer)}</p>
</div>
</body></html>`;
}

export function renderText(title: string, body: MailBody, extraText = ''): string {
  return [title, '', ...body.paragraphs.flatMap((p) => [p, '']), extraText, `${body.action.label}: ${body.action.url}`, '', body.footer]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}
