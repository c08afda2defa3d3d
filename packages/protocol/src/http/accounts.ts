import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { handleSchema } from './handles.ts';
import { ownProfileSchema } from './users.ts';

// Accounts under /api/v1/auth and /me/password (docs/product.md §3): sign-up, email verification, log-in,
// refresh (the refresh token travels in the mpx_refresh cookie, never in these bodies), password reset.
export const PASSWORD_MIN = 8;

export const PASSWORD_MAX = 1024;

/** docs/product.md §3: at least 8 characters with a letter and a digit. */
export const passwordSchema = opaqueText()
  .min(PASSWORD_MIN, `A password has at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `A password has at most ${PASSWORD_MAX} characters`)
  .refine((p) => /\p{L}/u.test(p), 'A password contains at least one letter')
  .refine((p) => /\p{Nd}/u.test(p), 'A password contains at least one digit');

/** An email address as the auth routes accept it. */
export const emailSchema = z.email().max(254);

/** A mailed link's token (verification, password reset). */
export const tokenSchema = opaqueText({ min: 1, max: 256 });

export const acceptedSchema = z.object({ status: z.literal('accepted') }).describe('always answered, whether or not the account exists');

export const signedInSchema = z.object({ accessToken: z.string().describe('JWT, valid 15 minutes'), user: ownProfileSchema });

export const postAuthRegisterBodySchema = z.object({ email: emailSchema, password: passwordSchema, handle: handleSchema });
/**
 * Issue 11 §4: the one answer to a sign-up, whether the address was new or already had an account
 * (its owner is mailed instead): it echoes the request only, so it tells nothing.
 */
export const postAuthRegisterResponseSchema = z.object({ email: z.string(), handle: z.string(), verificationSent: z.literal(true) });
export type SignUpAccepted = z.infer<typeof postAuthRegisterResponseSchema>;
export type PostAuthRegisterBody = z.infer<typeof postAuthRegisterBodySchema>;

export const postAuthVerifyEmailBodySchema = z.object({ token: tokenSchema });
export type PostAuthVerifyEmailBody = z.infer<typeof postAuthVerifyEmailBodySchema>;

export const postAuthVerifyEmailResponseSchema = z.object({ status: z.literal('verified') });
export type PostAuthVerifyEmailResponse = z.infer<typeof postAuthVerifyEmailResponseSchema>;

export const postAuthResendVerificationBodySchema = z.object({ email: emailSchema });
export type PostAuthResendVerificationBody = z.infer<typeof postAuthResendVerificationBodySchema>;

export const postAuthLoginBodySchema = z.object({ email: emailSchema, password: opaqueText({ min: 1, max: 1024 }) });
export type PostAuthLoginBody = z.infer<typeof postAuthLoginBodySchema>;

export const postAuthRefreshResponseSchema = z.object({ accessToken: z.string() });
export type PostAuthRefreshResponse = z.infer<typeof postAuthRefreshResponseSchema>;

export const postAuthLogoutResponse204Schema = z.null();
export type PostAuthLogoutResponse204 = z.infer<typeof postAuthLogoutResponse204Schema>;

export const postAuthResetPasswordBodySchema = z.object({ token: tokenSchema, password: passwordSchema });
export type PostAuthResetPasswordBody = z.infer<typeof postAuthResetPasswordBodySchema>;

export const postAuthResetPasswordResponseSchema = z.object({ status: z.literal('password_reset') });
export type PostAuthResetPasswordResponse = z.infer<typeof postAuthResetPasswordResponseSchema>;

export const postMePasswordBodySchema = z.object({ currentPassword: opaqueText({ min: 1, max: 1024 }), newPassword: passwordSchema });
export type PostMePasswordBody = z.infer<typeof postMePasswordBodySchema>;
export type Accepted = z.infer<typeof acceptedSchema>;
export type SignedIn = z.infer<typeof signedInSchema>;
