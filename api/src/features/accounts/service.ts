import { emailVerificationTokens, passwordResetTokens, PG_UNIQUE_VIOLATION, violatedConstraint } from '@makapix/db';
import { jobIds } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors, isAppError } from '../../errors.ts';
import { canonicalHandle, isReservedHandle, type OwnProfile, type SignUpAccepted } from '@makapix/protocol';
import { findIdByCanonicalHandle, promoteToOwner } from '../users/repo.ts';
import { createUserService } from '../users/service.ts';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './password.ts';
import * as repo from './repo.ts';
import { RESET_PASSWORD_TTL_MS, SECRET_TOKEN_PATTERN, VERIFY_EMAIL_TTL_MS, hashSecretToken, newSecretToken } from './secret-token.ts';
import { endSession, rotateSession, startSession } from './sessions.ts';
import { revokeAllForUser } from './session-repo.ts';

export interface AccountSettings {
  /** Origin of the web app; emailed links point there (docs/product.md §3). */
  publicBaseUrl: string;
  /** Lower-cased OWNER_EMAILS: these members become site owner on sign-up or log-in. */
  ownerEmails: readonly string[];
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: OwnProfile;
}

/**
 * How long a handle asked for with a known address stays taken: a new account keeps its handle
 * while unverified, so a second sign-up with it must meet `handle_taken` in both cases.
 */
const SIGN_UP_HANDLE_HOLD_SECONDS = 30 * 86_400;

const invalidCredentials = () => errors.unauthorized('The email or password is wrong', 'invalid_credentials');
const invalidToken = () => errors.badRequest('invalid_token', 'This link is invalid, expired or already used');

/** docs/product.md §3 accounts: sign-up, email verification, log-in, sessions and passwords. */
export function createAccountService(app: FastifyInstance, settings: AccountSettings) {
  const { db } = app;
  const users = createUserService(app);
  const isOwnerEmail = (email: string) => settings.ownerEmails.includes(email.toLowerCase());

  /** Per-address cap on account mails; over it the mail is silently skipped (the answer stays 202). */
  async function mayMail(email: string): Promise<boolean> {
    try {
      await app.consumeRateLimit('accountMailPerAddress', email.toLowerCase());
      return true;
    } catch (err) {
      if (isAppError(err) && err.code === 'rate_limited') return false;
      throw err;
    }
  }

  async function sendVerificationMail(userId: number, email: string): Promise<void> {
    const { token, hash } = newSecretToken();
    const tokenId = await repo.insertEmailToken(db, emailVerificationTokens, { userId, tokenHash: hash, expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_MS) });
    const verifyUrl = `${settings.publicBaseUrl}/verify-email?token=${token}`;
    await app.enqueue('send-email', { template: 'verify-email', to: email, userId, verifyUrl }, { jobId: jobIds.verifyEmail(userId, tokenId) });
  }

  /**
   * Issue 11 §4: a sign-up for an address that has an account answers exactly like a new one (same
   * status, body and work: the password is hashed all the same) and mails the address's owner
   * instead, with a reset link should they have forgotten their password. The handle asked for is
   * held as a new account would hold it, so a second sign-up with it cannot tell the two apart.
   */
  async function register(input: { email: string; password: string; handle: string }): Promise<SignUpAccepted> {
    const handleCanonical = canonicalHandle(input.handle);
    if (isReservedHandle(input.handle) || (await findIdByCanonicalHandle(db, handleCanonical)) !== null || (await isHandleHeld(handleCanonical))) {
      throw errors.conflict('handle_taken', 'This handle (or one that looks like it) is taken');
    }
    const passwordHash = await hashPassword(input.password);
    const accepted: SignUpAccepted = { email: input.email, handle: input.handle, verificationSent: true };
    const existing = await repo.findLoginByEmail(db, input.email);
    if (existing) {
      await answerKnownAddress(existing, handleCanonical);
      return accepted;
    }
    let userId: number;
    try {
      const role = isOwnerEmail(input.email) ? 'owner' : 'member';
      userId = await repo.insertMember(db, { email: input.email, handle: input.handle, handleCanonical, role, passwordHash });
    } catch (err) {
      // The pre-checks above give the usual answer; the unique indexes settle a race between two sign-ups.
      const constraint = violatedConstraint(err, PG_UNIQUE_VIOLATION);
      const raced = constraint === 'users_email_lower_key' ? await repo.findLoginByEmail(db, input.email) : null;
      if (raced) {
        await answerKnownAddress(raced, handleCanonical);
        return accepted;
      }
      if (constraint === 'users_handle_canonical_key') throw errors.conflict('handle_taken', 'This handle (or one that looks like it) is taken');
      throw err;
    }
    await sendVerificationMail(userId, input.email);
    return accepted;
  }

  const heldHandleKey = (canonical: string) => `makapix:signup-hold:${canonical}`;
  async function isHandleHeld(canonical: string): Promise<boolean> {
    return (await app.redis.exists(heldHandleKey(canonical))) === 1;
  }

  /** The owner of a known address hears of the attempt (capped per address, like every account mail). */
  async function answerKnownAddress(row: { id: number; email: string; deletedAt: Date | null; deactivatedAt: Date | null }, handleCanonical: string): Promise<void> {
    await app.redis.set(heldHandleKey(handleCanonical), '1', 'EX', SIGN_UP_HANDLE_HOLD_SECONDS);
    if (row.deletedAt || row.deactivatedAt || !(await mayMail(row.email))) return;
    const { token, hash } = newSecretToken();
    const tokenId = await repo.insertEmailToken(db, passwordResetTokens, { userId: row.id, tokenHash: hash, expiresAt: new Date(Date.now() + RESET_PASSWORD_TTL_MS) });
    const resetUrl = `${settings.publicBaseUrl}/reset-password?token=${token}`;
    await app.enqueue('send-email', { template: 'sign-up-attempt', to: row.email, userId: row.id, resetUrl }, { jobId: jobIds.signUpAttempt(row.id, tokenId) });
  }

  async function verifyEmail(token: string): Promise<void> {
    if (!SECRET_TOKEN_PATTERN.test(token)) throw invalidToken();
    const verified = await db.transaction(async (tx) => {
      const userId = await repo.consumeEmailToken(tx, emailVerificationTokens, hashSecretToken(token));
      if (userId !== null) await repo.markEmailVerified(tx, userId);
      return userId !== null;
    });
    if (!verified) throw invalidToken();
  }

  /** Always "accepted" to the caller: whether a mail went out must not reveal whether the account exists. */
  async function resendVerification(email: string): Promise<void> {
    const row = await repo.findLoginByEmail(db, email);
    if (!row || row.emailVerifiedAt || row.deletedAt || row.deactivatedAt) return;
    if (await mayMail(row.email)) await sendVerificationMail(row.id, row.email);
  }

  async function login(input: { email: string; password: string }): Promise<SignedIn> {
    const row = await repo.findLoginByEmail(db, input.email);
    if (!row || !row.passwordHash || row.deletedAt) {
      await burnPasswordCheck(input.password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(input.password, row.passwordHash))) throw invalidCredentials();
    if (needsRehash(row.passwordHash)) await repo.setPasswordHash(db, row.id, await hashPassword(input.password));
    // Account states are told only to someone who knows the password.
    if (row.deactivatedAt) throw errors.unauthorized('This account is deactivated', 'account_inactive');
    if (!row.emailVerifiedAt) throw errors.forbidden('Verify your email address first (see the mail we sent)', 'email_not_verified');
    if (row.bannedUntil && row.bannedUntil > new Date()) throw errors.forbidden(`This account is banned until ${row.bannedUntil.toISOString()}`, 'banned');
    let role = row.role;
    if (isOwnerEmail(row.email) && role !== 'owner') {
      await promoteToOwner(db, row.id);
      role = 'owner';
    }
    const { refreshToken } = await startSession(db, row.id);
    return { accessToken: app.signAccessToken({ id: row.id, role }), refreshToken, user: await users.getOwnProfile(row.id) };
  }

  async function refresh(presented: string | undefined): Promise<{ accessToken: string; refreshToken: string }> {
    if (!presented || !SECRET_TOKEN_PATTERN.test(presented)) throw errors.unauthorized('No valid refresh token', 'invalid_token');
    const result = await rotateSession(db, presented);
    if (result.ok) return { accessToken: app.signAccessToken({ id: result.user.id, role: result.user.role }), refreshToken: result.refreshToken };
    switch (result.reason) {
      case 'reused':
        throw errors.unauthorized('This refresh token was already used; every session of its family is now closed', 'refresh_token_reused');
      case 'expired':
        throw errors.unauthorized('The session has expired, log in again', 'token_expired');
      case 'banned':
        throw errors.forbidden(`This account is banned until ${result.until.toISOString()}`, 'banned');
      case 'inactive':
        throw errors.unauthorized('This account no longer exists', 'account_inactive');
      case 'invalid':
        throw errors.unauthorized('No valid refresh token', 'invalid_token');
    }
  }

  async function logout(presented: string | undefined): Promise<void> {
    if (presented && SECRET_TOKEN_PATTERN.test(presented)) await endSession(db, presented);
  }

  async function forgotPassword(email: string): Promise<void> {
    const row = await repo.findLoginByEmail(db, email);
    if (!row || row.deletedAt || row.deactivatedAt || !(await mayMail(row.email))) return;
    const { token, hash } = newSecretToken();
    const tokenId = await repo.insertEmailToken(db, passwordResetTokens, { userId: row.id, tokenHash: hash, expiresAt: new Date(Date.now() + RESET_PASSWORD_TTL_MS) });
    const resetUrl = `${settings.publicBaseUrl}/reset-password?token=${token}`;
    await app.enqueue('send-email', { template: 'reset-password', to: row.email, userId: row.id, resetUrl }, { jobId: jobIds.resetPassword(row.id, tokenId) });
  }

  /** docs/product.md §3: a reset revokes every refresh token; the link works once. */
  async function resetPassword(input: { token: string; password: string }): Promise<void> {
    const tokenHash = hashSecretToken(input.token);
    // Cheap look-up first, so a flood of made-up tokens never costs a KDF computation each.
    if (!SECRET_TOKEN_PATTERN.test(input.token) || !(await repo.isLiveEmailToken(db, passwordResetTokens, tokenHash))) throw invalidToken();
    const passwordHash = await hashPassword(input.password);
    await db.transaction(async (tx) => {
      const userId = await repo.consumeEmailToken(tx, passwordResetTokens, tokenHash);
      if (userId === null) throw invalidToken();
      await repo.setPasswordHash(tx, userId, passwordHash);
      await repo.spendAllEmailTokens(tx, passwordResetTokens, userId);
      await revokeAllForUser(tx, userId);
      // The link reached the mailbox, which proves the address as well as a verification link would.
      await repo.markEmailVerified(tx, userId);
    });
  }

  /** Changing the password closes every other session; the caller continues in a fresh one. */
  async function changePassword(userId: number, input: { currentPassword: string; newPassword: string }): Promise<SignedIn> {
    await app.consumeRateLimit('login', `user:${userId}`);
    const row = await repo.findLoginById(db, userId);
    if (!row?.passwordHash || !(await verifyPassword(input.currentPassword, row.passwordHash))) throw invalidCredentials();
    const passwordHash = await hashPassword(input.newPassword);
    const { refreshToken } = await db.transaction(async (tx) => {
      await repo.setPasswordHash(tx, userId, passwordHash);
      await repo.spendAllEmailTokens(tx, passwordResetTokens, userId);
      await revokeAllForUser(tx, userId);
      return startSession(tx, userId);
    });
    return { accessToken: app.signAccessToken({ id: userId, role: row.role }), refreshToken, user: await users.getOwnProfile(userId) };
  }

  return { register, verifyEmail, resendVerification, login, refresh, logout, forgotPassword, resetPassword, changePassword };
}

export type AccountService = ReturnType<typeof createAccountService>;
