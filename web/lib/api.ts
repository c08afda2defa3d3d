import { z } from 'zod';
import { query, type Transport } from './api-core.ts';
import {
  acceptedSchema,
  artistHitSchema,
  blockListSchema,
  blockStateSchema,
  commentSchema,
  deletePostsSqidResponse204Schema,
  followListSchema,
  followStateSchema,
  hashtagHitSchema,
  type List,
  listSchema,
  notificationSchema,
  ownProfileSchema,
  type PatchCommentsIdBody,
  playlistDetailSchema,
  playlistSummarySchema,
  type PostAuthLoginBody,
  postAuthLogoutResponse204Schema,
  type PostAuthRegisterBody,
  type PostAuthResendVerificationBody,
  type PostAuthResetPasswordBody,
  postAuthResetPasswordResponseSchema,
  type PostAuthVerifyEmailBody,
  postAuthVerifyEmailResponseSchema,
  postDetailSchema,
  type PostMePasswordBody,
  type PostPatch,
  type PostPostsSqidCommentsBody,
  type PostReportsBody,
  type PostSummary,
  postSummarySchema,
  type ProfilePatch,
  publicProfileSchema,
  postAuthRegisterResponseSchema,
  type PutMeAvatarBody,
  reactionSummarySchema,
  reportSchema,
  signedInSchema,
  statsResponseSchema,
  threadSchema,
  unreadCountSchema,
  type ViewBody,
  viewOutcomeSchema,
} from '@makapix/protocol';

/**
 * The one typed api client (docs/architecture.md §4): every call the web makes, each answer
 * parsed with the api's own zod shape. The transport decides where it goes (server: API_UPSTREAM;
 * browser: same-origin /api with the in-memory token).
 */
export type Api = ReturnType<typeof createApi>;
/** A page of a feed: the api's list of post summaries. */
export type Feed = List<PostSummary>;
const feedSchema = listSchema(postSummarySchema);
const enc = encodeURIComponent;
/** A 204 answer has no body (the api's comment delete declares none in protocol). */
const noContent = z.null();
type Page = { cursor?: string | undefined; limit?: number | undefined };

export function createApi(t: Transport) {
  return {
    // feeds and search
    recent: (p: Page = {}) => t(feedSchema, `/feeds/recent${query(p)}`),
    promoted: (p: Page = {}) => t(feedSchema, `/feeds/promoted${query(p)}`),
    following: (p: Page = {}) => t(feedSchema, `/feeds/following${query(p)}`),
    hashtag: (tag: string, p: Page = {}) => t(feedSchema, `/feeds/hashtags/${enc(tag)}${query(p)}`),
    userPosts: (userId: string, p: Page = {}) => t(feedSchema, `/users/${enc(userId)}/posts${query(p)}`),
    searchArtworks: (q: string, p: Page = {}) => t(feedSchema, `/search${query({ q, type: 'artworks', ...p })}`),
    searchArtists: (q: string, p: Page = {}) => t(listSchema(artistHitSchema), `/search${query({ q, type: 'artists', ...p })}`),
    searchHashtags: (q: string, p: Page = {}) => t(listSchema(hashtagHitSchema), `/search${query({ q, type: 'hashtags', ...p })}`),

    // artworks
    post: (id: string) => t(postDetailSchema, `/posts/${enc(id)}`),
    editPost: (id: string, patch: PostPatch) =>
      t(postDetailSchema, `/posts/${enc(id)}`, { method: 'PATCH', body: patch }),
    setHidden: (id: string, hidden: boolean) => t(postDetailSchema, `/posts/${enc(id)}/${hidden ? 'hide' : 'unhide'}`, { method: 'POST' }),
    deletePost: (id: string) => t(deletePostsSqidResponse204Schema, `/posts/${enc(id)}`, { method: 'DELETE' }),
    postStats: (id: string, days = 30) => t(statsResponseSchema, `/posts/${enc(id)}/stats${query({ days })}`),
    reportView: (id: string, body: ViewBody) =>
      t(viewOutcomeSchema, `/posts/${enc(id)}/view`, { method: 'POST', body }),

    // reactions and comments
    reactions: (id: string) => t(reactionSummarySchema, `/posts/${enc(id)}/reactions`),
    react: (id: string, emoji: string, on: boolean) =>
      t(reactionSummarySchema, `/posts/${enc(id)}/reactions/${enc(emoji)}`, { method: on ? 'PUT' : 'DELETE' }),
    comments: (id: string, p: Page = {}) => t(listSchema(threadSchema), `/posts/${enc(id)}/comments${query(p)}`),
    comment: (id: string, body: string, parentId?: string) =>
      t(commentSchema, `/posts/${enc(id)}/comments`, { method: 'POST', body: (parentId ? { body, parentId } : { body }) satisfies PostPostsSqidCommentsBody }),
    editComment: (commentId: string, body: string) => t(commentSchema, `/comments/${enc(commentId)}`, { method: 'PATCH', body: { body } satisfies PatchCommentsIdBody }),
    deleteComment: (commentId: string) => t(noContent, `/comments/${enc(commentId)}`, { method: 'DELETE' }),

    // members
    me: () => t(ownProfileSchema, '/me'),
    updateMe: (patch: ProfilePatch) =>
      t(ownProfileSchema, '/me', { method: 'PATCH', body: patch }),
    setAvatar: (postId: string | null) => t(ownProfileSchema, '/me/avatar', { method: 'PUT', body: { postId } satisfies PutMeAvatarBody }),
    userByHandle: (handle: string) => t(publicProfileSchema, `/users/by-handle/${enc(handle)}`),
    followers: (userId: string, p: Page = {}) => t(followListSchema, `/users/${enc(userId)}/followers${query(p)}`),
    followingOf: (userId: string, p: Page = {}) => t(followListSchema, `/users/${enc(userId)}/following${query(p)}`),
    follow: (userId: string, on: boolean) => t(followStateSchema, `/users/${enc(userId)}/follow`, { method: on ? 'PUT' : 'DELETE' }),
    block: (userId: string, on: boolean) => t(blockStateSchema, `/users/${enc(userId)}/block`, { method: on ? 'PUT' : 'DELETE' }),
    myBlocks: (p: Page = {}) => t(blockListSchema, `/me/blocks${query(p)}`),
    playlists: (userId: string, p: Page = {}) => t(listSchema(playlistSummarySchema), `/users/${enc(userId)}/playlists${query(p)}`),
    playlist: (id: string) => t(playlistDetailSchema, `/playlists/${enc(id)}`),
    report: (body: PostReportsBody) => t(reportSchema, '/reports', { method: 'POST', body }),

    // notifications
    notifications: (p: Page & { unread?: boolean } = {}) =>
      t(listSchema(notificationSchema), `/notifications${query({ cursor: p.cursor, limit: p.limit, unread: p.unread === undefined ? undefined : String(p.unread) })}`),
    unreadCount: () => t(unreadCountSchema, '/notifications/unread-count'),
    markRead: (id: string) => t(unreadCountSchema, `/notifications/${enc(id)}/read`, { method: 'POST' }),
    markAllRead: () => t(unreadCountSchema, '/notifications/read-all', { method: 'POST' }),

    // accounts
    register: (body: PostAuthRegisterBody) => t(postAuthRegisterResponseSchema, '/auth/register', { method: 'POST', body }),
    verifyEmail: (token: string) => t(postAuthVerifyEmailResponseSchema, '/auth/verify-email', { method: 'POST', body: { token } satisfies PostAuthVerifyEmailBody }),
    resendVerification: (email: string) => t(acceptedSchema, '/auth/resend-verification', { method: 'POST', body: { email } satisfies PostAuthResendVerificationBody }),
    login: (body: PostAuthLoginBody) => t(signedInSchema, '/auth/login', { method: 'POST', body }),
    logout: () => t(postAuthLogoutResponse204Schema, '/auth/logout', { method: 'POST' }),
    forgotPassword: (email: string) => t(acceptedSchema, '/auth/forgot-password', { method: 'POST', body: { email } satisfies PostAuthResendVerificationBody }),
    resetPassword: (token: string, password: string) =>
      t(postAuthResetPasswordResponseSchema, '/auth/reset-password', { method: 'POST', body: { token, password } satisfies PostAuthResetPasswordBody }),
    changePassword: (currentPassword: string, newPassword: string) =>
      t(signedInSchema, '/me/password', { method: 'POST', body: { currentPassword, newPassword } satisfies PostMePasswordBody }),
  };
}

