import { describe, expect, it } from 'vitest';
import { renderEmail } from '../src/mail/templates.ts';

const LINK = 'http://makapix.test:8080/verify-email?token=abc123&x=1';

describe('email templates', () => {
  it('renders verify-email as text and HTML carrying the link', () => {
    const mail = renderEmail({ template: 'verify-email', verifyUrl: LINK });
    expect(mail.subject).toMatch(/confirm your email/i);
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain('href="http://makapix.test:8080/verify-email?token=abc123&amp;x=1"');
  });

  it('renders reset-password', () => {
    const mail = renderEmail({ template: 'reset-password', resetUrl: LINK });
    expect(mail.subject).toMatch(/reset/i);
    expect(mail.text).toContain(LINK);
  });

  it('lists digest items and escapes user-controlled text', () => {
    const mail = renderEmail({
      template: 'notification-digest',
      inboxUrl: 'http://makapix.test:8080/notifications',
      items: [
        { type: 'reaction', actorHandle: 'pix', postTitle: '<b>Cat</b>', emoji: '🔥', createdAt: new Date() },
        { type: 'follow', actorHandle: 'bob', postTitle: null, emoji: null, createdAt: new Date() },
      ],
    });
    expect(mail.subject).toBe('2 new notifications on Makapix Club');
    expect(mail.text).toContain('- @pix reacted 🔥 to “<b>Cat</b>”');
    expect(mail.text).toContain('- @bob started following you');
    expect(mail.html).toContain('&lt;b&gt;Cat&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Cat</b>');
  });

  it('loads no external assets: the only URL in the HTML is the action link', () => {
    for (const content of [
      { template: 'verify-email', verifyUrl: LINK },
      { template: 'reset-password', resetUrl: LINK },
    ] as const) {
      const { html } = renderEmail(content);
      expect(html).not.toMatch(/<img|<link|src=|url\(/i);
      const urls = new Set(html.match(/https?:\/\/[^\s"<]+/g));
      expect([...urls]).toEqual([LINK.replace('&', '&amp;')]);
    }
  });
});
