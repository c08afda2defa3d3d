import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiConfig } from '../../config.ts';
import { errorResponses } from '../../error-responses.ts';
import { signedInUser } from '../../domain/viewer.ts';
import { REFRESH_TOKEN_TTL_MS } from './secret-token.ts';
import { createAccountService } from './service.ts';
import { acceptedSchema, emailSchema, postAuthLoginBodySchema, postAuthLogoutResponse204Schema, postAuthRefreshResponseSchema, postAuthRegisterBodySchema, postAuthRegisterResponseSchema, postAuthResendVerificationBodySchema, postAuthResetPasswordBodySchema, postAuthResetPasswordResponseSchema, postAuthVerifyEmailBodySchema, postAuthVerifyEmailResponseSchema, postMePasswordBodySchema, signedInSchema, tokenSchema } from '@makapix/protocol';

/** docs/product.md §3: the refresh token lives in this cookie, sent only to the auth routes. */
export const REFRESH_COOKIE = 'mpx_refresh';
const REFRESH_COOKIE_PATH = '/api/v1/auth';

export const accountRoutes: FastifyPluginAsyncZod<{ config: ApiConfig }> = async (app, { config }) => {
  const accounts = createAccountService(app, { publicBaseUrl: config.http.publicBaseUrl, ownerEmails: config.auth.ownerEmails });
  // Secure everywhere but dev/test, where the site may be served over plain HTTP on localhost.
  const cookieOptions = { httpOnly: true, secure: config.env === 'production', sameSite: 'lax', path: REFRESH_COOKIE_PATH } as const;
  const setRefreshCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(REFRESH_COOKIE, token, { ...cookieOptions, maxAge: REFRESH_TOKEN_TTL_MS / 1000 });
  const clearRefreshCookie = (reply: FastifyReply) => reply.clearCookie(REFRESH_COOKIE, cookieOptions);
  const tags = ['accounts'];

  app.post('/auth/register', {
    schema: {
      tags,
      summary: 'Sign up; sends a verification mail (log-in works once the email is verified)',
      description:
        'A known address gets the same 201 as a new one (its owner is mailed instead), so the answer never tells whether an account exists; `handle_taken` is the only 409.',
      body: postAuthRegisterBodySchema,
      response: { 201: postAuthRegisterResponseSchema, ...errorResponses(400, 409, 429) },
    },
    onRequest: app.rateLimitByIp('register'),
  }, async (req, reply) => reply.status(201).send(await accounts.register(req.body)));

  app.post('/auth/verify-email', {
    schema: {
      tags,
      summary: 'Verify the email address with the token from the verification link (valid 24 h, once)',
      body: postAuthVerifyEmailBodySchema,
      response: { 200: postAuthVerifyEmailResponseSchema, ...errorResponses(400) },
    },
  }, async (req) => {
    await accounts.verifyEmail(req.body.token);
    return { status: 'verified' as const };
  });

  app.post('/auth/resend-verification', {
    schema: {
      tags,
      summary: 'Send the verification mail again (if the account exists and is unverified)',
      body: postAuthResendVerificationBodySchema,
      response: { 202: acceptedSchema, ...errorResponses(400, 429) },
    },
    onRequest: app.rateLimitByIp('resendVerification'),
  }, async (req, reply) => {
    await accounts.resendVerification(req.body.email);
    return reply.status(202).send({ status: 'accepted' });
  });

  app.post('/auth/login', {
    schema: {
      tags,
      summary: 'Log in: access token in the body, refresh token in the mpx_refresh cookie',
      body: postAuthLoginBodySchema,
      response: { 200: signedInSchema, ...errorResponses(400, 401, 403, 429) },
    },
    onRequest: app.rateLimitByIp('login'),
  }, async (req, reply) => {
    const { refreshToken, ...body } = await accounts.login(req.body);
    setRefreshCookie(reply, refreshToken);
    return body;
  });

  app.post('/auth/refresh', {
    schema: {
      tags,
      summary: 'New access token from the refresh cookie; the cookie is rotated (a reused one closes the session family)',
      response: { 200: postAuthRefreshResponseSchema, ...errorResponses(401, 403) },
    },
  }, async (req, reply) => {
    try {
      const { accessToken, refreshToken } = await accounts.refresh(req.cookies[REFRESH_COOKIE]);
      setRefreshCookie(reply, refreshToken);
      return { accessToken };
    } catch (err) {
      clearRefreshCookie(reply);
      throw err;
    }
  });

  app.post('/auth/logout', {
    schema: { tags, summary: 'Log out: revokes the refresh token and clears its cookie', response: { 204: postAuthLogoutResponse204Schema } },
  }, async (req, reply) => {
    await accounts.logout(req.cookies[REFRESH_COOKIE]);
    clearRefreshCookie(reply);
    return reply.status(204).send(null);
  });

  app.post('/auth/forgot-password', {
    schema: {
      tags,
      summary: 'Mail a password-reset link (valid 1 h) if the account exists',
      body: postAuthResendVerificationBodySchema,
      response: { 202: acceptedSchema, ...errorResponses(400, 429) },
    },
    onRequest: app.rateLimitByIp('forgotPassword'),
  }, async (req, reply) => {
    await accounts.forgotPassword(req.body.email);
    return reply.status(202).send({ status: 'accepted' });
  });

  app.post('/auth/reset-password', {
    schema: {
      tags,
      summary: 'Set a new password with the token from the reset link; closes every session',
      body: postAuthResetPasswordBodySchema,
      response: { 200: postAuthResetPasswordResponseSchema, ...errorResponses(400) },
    },
  }, async (req, reply) => {
    await accounts.resetPassword(req.body);
    clearRefreshCookie(reply);
    return { status: 'password_reset' as const };
  });

  app.post('/me/password', {
    schema: {
      tags,
      summary: 'Change the password; every other session is closed and this one continues with a new refresh cookie',
      body: postMePasswordBodySchema,
      response: { 200: signedInSchema, ...errorResponses(400, 401, 403, 429) },
    },
    preHandler: app.requireUser,
  }, async (req, reply) => {
    const { refreshToken, ...body } = await accounts.changePassword(signedInUser(req).id, req.body);
    setRefreshCookie(reply, refreshToken);
    return body;
  });
};
