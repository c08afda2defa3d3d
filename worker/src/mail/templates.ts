import { type MailBody, escapeHtml, renderHtml, renderText } from './layout.ts';

/** One line of a notification digest, already resolved from the database. */
export interface DigestItem {
  type: string;
  actorHandle: string | null;
  postTitle: string | null;
  emoji: string | null;
  createdAt: Date;
}

export type EmailContent =
  | { template: 'verify-email'; verifyUrl: string }
  | { template: 'reset-password'; resetUrl: string }
  | { template: 'sign-up-attempt'; resetUrl: string }
  | { template: 'notification-digest'; items: DigestItem[]; inboxUrl: string };

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SITE = 'Makapix Club';

function describe(item: DigestItem): string {
  const who = item.actorHandle ? `@${item.actorHandle}` : 'Someone';
  const post = item.postTitle ? `“${item.postTitle}”` : 'your post';
  switch (item.type) {
    case 'reaction':
      return `${who} reacted ${item.emoji ?? ''} to ${post}`.replace('  ', ' ');
    case 'comment':
      return `${who} commented on ${post}`;
    case 'reply':
      return `${who} replied to your comment on ${post}`;
    case 'follow':
      return `${who} started following you`;
    case 'post_approved':
      return `${post} was approved and is now public`;
    case 'post_promoted':
      return `${post} was promoted`;
    default:
      return `A moderator updated ${post}`;
  }
}

/**
 * docs/product.md §6 send-email templates. Links come from the job payload (built by the api from
 * PUBLIC_BASE_URL and a one-time token); no password or secret ever appears in a mail.
 */
export function renderEmail(content: EmailContent): RenderedEmail {
  let title: string;
  let body: MailBody;
  let extraText = '';
  switch (content.template) {
    case 'verify-email':
      title = `Confirm your email for ${SITE}`;
      body = {
        paragraphs: ['Welcome! Confirm this address to finish creating your account and start posting pixel art.', 'The link works once and expires soon.'],
        action: { label: 'Confirm my email', url: content.verifyUrl },
        footer: 'If you did not sign up, ignore this mail: no account is activated without this link.',
      };
      break;
    case 'reset-password':
      title = `Reset your ${SITE} password`;
      body = {
        paragraphs: ['Someone (hopefully you) asked to reset the password of this account.', 'The link works once and expires soon.'],
        action: { label: 'Choose a new password', url: content.resetUrl },
        footer: 'If you did not ask for this, ignore this mail: your password stays unchanged.',
      };
      break;
    case 'sign-up-attempt':
      title = `Someone tried to sign up to ${SITE} with your address`;
      body = {
        paragraphs: [
          'Someone tried to create a new account with this email address, which already has an account.',
          'If it was you: you already have an account. Reset your password if you forgot it.',
        ],
        action: { label: 'Reset my password', url: content.resetUrl },
        footer: 'If it was not you, ignore this mail: nothing changed and no account was created.',
      };
      break;
    case 'notification-digest': {
      const lines = content.items.map(describe);
      title = `${lines.length} new notification${lines.length === 1 ? '' : 's'} on ${SITE}`;
      body = {
        paragraphs: ['Here is what happened since your last visit:'],
        extraHtml: `<ul style="margin:0 0 16px;padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
        action: { label: 'Open my inbox', url: content.inboxUrl },
        footer: 'You receive this digest because notifications by email are on for your account.',
      };
      extraText = `${lines.map((l) => `- ${l}`).join('\n')}\n`;
      break;
    }
  }
  return { subject: title, text: renderText(title, body, extraText), html: renderHtml(title, body) };
}
