import type { HttpErrorCode } from '@makapix/protocol';
import { ApiError } from './api-core.ts';

/**
 * docs/architecture.md §4.1 "errors name what went wrong and what to do", keyed by the api's error.code; anything
 * not listed falls back to the api's own message, which is already a sentence.
 */
const WORDS: Partial<Record<HttpErrorCode | 'network_error', string>> = {
  reaction_limit_exceeded: 'You can use at most 5 different reactions on one artwork. Remove one to add another.',
  blocked: 'You cannot do this: one of you has blocked the other.',
  comment_too_deep: 'Replies go two levels deep at most. Reply to the comment above instead.',
  comment_limit_reached: 'This artwork has reached 1000 comments; no more can be added.',
  rate_limited: 'Too many tries in a short time. Wait a moment and try again.',
  email_not_verified: 'Please verify your email first: open the link we mailed you.',
  invalid_credentials: 'That email and password do not match. Check them, or reset your password.',
  handle_taken: 'That handle is taken (ignoring case and look-alike letters). Try another one.',
  artwork_duplicate: 'This exact image was already uploaded.',
  already_reported: 'You already reported this; the moderators are looking at it.',
  cannot_follow_self: 'You cannot follow yourself.',
  cannot_block_self: 'You cannot block yourself.',
  token_expired: 'Your session has ended. Log in again.',
  refresh_token_reused: 'Your session was closed for safety. Log in again.',
  storage_full: 'The site is out of storage space for uploads right now. Try again later.',
  post_not_replaceable: 'This artwork cannot get a new image right now (it may still be processing).',
  invalid_emoji: 'That reaction is not a valid emoji.',
  file_too_large: 'This file is larger than 5 MiB.',
  unsupported_format: 'This is not a PNG, GIF, WebP or BMP file.',
  banned: 'This account is banned for now.',
  account_inactive: 'This account no longer exists.',
  cannot_report_self: 'You cannot report yourself.',
  unauthorized: 'Your session has ended. Log in again.',
  invalid_token: 'This link is invalid or has expired. Ask for a new one.',
  not_found: 'This could not be found. It may have been deleted.',
  network_error: 'The server could not be reached. Check your connection and try again.',
};

export function inWords(err: unknown): string {
  if (err instanceof ApiError) {
    const base = WORDS[err.code as HttpErrorCode] ?? err.message;
    if (err.status === 429 && err.retryAfterS) return `${WORDS.rate_limited!.replace('a moment', `${err.retryAfterS} s`)}`;
    return base;
  }
  if (err instanceof TypeError) return WORDS.network_error!;
  return 'Something went wrong. Try again.';
}
