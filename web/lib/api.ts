import { z } from 'zod';
import { query, type Transport } from './api-core.ts';
import * as s from './shapes.ts';

/**
 * The one typed api client (ARCHITECTURE.md "The web"): every call the web makes, each answer
 * parsed with the api's own zod shape. The transport decides where it goes (server: API_UPSTREAM;
 * browser: same-origin /api with the in-memory token).
 */
export type Api = ReturnType<typeof createApi>;
const enc = encodeURIComponent;
const nothing = z.null();
type Page = { cursor?: string | undefined; limit?: number | undefined };

export function createApi(t: Transport) {
  return {
    // feeds and search
    recent: (p: Page = {}) => t(s.feedSchema, `/feeds/recent${query(p)}`),
    promoted: (p: Page = {}) => t(s.feedSchema, `/feeds/promoted${query(p)}`),
    following: (p: Page = {}) => t(s.feedSchema, `/feeds/following${query(p)}`),
    hashtag: (tag: string, p: Page = {}) => t(s.feedSchema, `/feeds/hashtags/${enc(tag)}${query(p)}`),
    userPosts: (userId: string, p: Page = {}) => t(s.feedSchema, `/users/${enc(userId)}/posts${query(p)}`),
    searchArtworks: (q: string, p: Page = {}) => t(s.feedSchema, `/search${query({ q, type: 'artworks', ...p })}`),
    searchArtists: (q: string, p: Page = {}) => t(listOf(s.artistHitSchema), `/search${query({ q, type: 'artists', ...p })}`),
    searchHashtags: (q: string, p: Page = {}) => t(listOf(s.hashtagHitSchema), `/search${query({ q, type: 'hashtags', ...p })}`),

    // artworks
    post: (id: string) => t(s.postDetailSchema, `/posts/${enc(id)}`),
    editPost: (id: string, patch: { title?: string; description?: string | null; hashtags?: string[] }) =>
      t(s.postDetailSchema, `/posts/${enc(id)}`, { method: 'PATCH', body: patch }),
    setHidden: (id: string, hidden: boolean) => t(s.postDetailSchema, `/posts/${enc(id)}/${hidden ? 'hide' : 'unhide'}`, { method: 'POST' }),
    deletePost: (id: string) => t(nothing, `/posts/${enc(id)}`, { method: 'DELETE' }),
    postStats: (id: string, days = 30) => t(s.postStatsResponseSchema, `/posts/${enc(id)}/stats${query({ days })}`),
    reportView: (id: string, body: { kind: 'view'; dwellMs: number } | { kind: 'impression' }) =>
      t(s.viewOutcomeSchema, `/posts/${enc(id)}/view`, { method: 'POST', body }),

    // reactions and comments
    reactions: (id: string) => t(s.reactionSummarySchema, `/posts/${enc(id)}/reactions`),
    react: (id: string, emoji: string, on: boolean) =>
      t(s.reactionSummarySchema, `/posts/${enc(id)}/reactions/${enc(emoji)}`, { method: on ? 'PUT' : 'DELETE' }),
    comments: (id: string, p: Page = {}) => t(s.threadListSchema, `/posts/${enc(id)}/comments${query(p)}`),
    comment: (id: string, body: string, parentId?: string) =>
      t(s.commentSchema, `/posts/${enc(id)}/comments`, { method: 'POST', body: parentId ? { body, parentId } : { body } }),
    editComment: (commentId: string, body: string) => t(s.commentSchema, `/comments/${enc(commentId)}`, { method: 'PATCH', body: { body } }),
    deleteComment: (commentId: string) => t(nothing, `/comments/${enc(commentId)}`, { method: 'DELETE' }),

    // members
    me: () => t(s.ownProfileSchema, '/me'),
    updateMe: (patch: Partial<{ handle: string; bio: string | null; avatarUrl: string | null; monitoredHashtags: string[]; emailDigest: boolean }>) =>
      t(s.ownProfileSchema, '/me', { method: 'PATCH', body: patch }),
    setAvatar: (postId: string | null) => t(s.ownProfileSchema, '/me/avatar', { method: 'PUT', body: { postId } }),
    userByHandle: (handle: string) => t(s.publicProfileSchema, `/users/by-handle/${enc(handle)}`),
    followers: (userId: string, p: Page = {}) => t(s.followListSchema, `/users/${enc(userId)}/followers${query(p)}`),
    followingOf: (userId: string, p: Page = {}) => t(s.followListSchema, `/users/${enc(userId)}/following${query(p)}`),
    follow: (userId: string, on: boolean) => t(s.followStateSchema, `/users/${enc(userId)}/follow`, { method: on ? 'PUT' : 'DELETE' }),
    block: (userId: string, on: boolean) => t(s.blockStateSchema, `/users/${enc(userId)}/block`, { method: on ? 'PUT' : 'DELETE' }),
    myBlocks: (p: Page = {}) => t(s.blockListSchema, `/me/blocks${query(p)}`),
    playlists: (userId: string, p: Page = {}) => t(s.playlistListSchema, `/users/${enc(userId)}/playlists${query(p)}`),
    playlist: (id: string) => t(s.playlistDetailSchema, `/playlists/${enc(id)}`),
    report: (targetType: 'post' | 'comment' | 'user', targetId: string, reason: string) =>
      t(s.reportSchema, '/reports', { method: 'POST', body: { targetType, targetId, reason } }),

    // notifications
    notifications: (p: Page & { unread?: boolean } = {}) =>
      t(s.notificationListSchema, `/notifications${query({ cursor: p.cursor, limit: p.limit, unread: p.unread === undefined ? undefined : String(p.unread) })}`),
    unreadCount: () => t(s.unreadCountSchema, '/notifications/unread-count'),
    markRead: (id: string) => t(s.unreadCountSchema, `/notifications/${enc(id)}/read`, { method: 'POST' }),
    markAllRead: () => t(s.unreadCountSchema, '/notifications/read-all', { method: 'POST' }),

    // accounts
    register: (body: { email: string; password: string; handle: string }) => t(s.publicProfileSchema, '/auth/register', { method: 'POST', body }),
    verifyEmail: (token: string) => t(z.object({ status: z.literal('verified') }), '/auth/verify-email', { method: 'POST', body: { token } }),
    resendVerification: (email: string) => t(z.object({ status: z.string() }), '/auth/resend-verification', { method: 'POST', body: { email } }),
    login: (email: string, password: string) => t(s.signedInSchema, '/auth/login', { method: 'POST', body: { email, password } }),
    logout: () => t(nothing, '/auth/logout', { method: 'POST' }),
    forgotPassword: (email: string) => t(z.object({ status: z.string() }), '/auth/forgot-password', { method: 'POST', body: { email } }),
    resetPassword: (token: string, password: string) =>
      t(z.object({ status: z.literal('password_reset') }), '/auth/reset-password', { method: 'POST', body: { token, password } }),
    changePassword: (currentPassword: string, newPassword: string) =>
      t(s.signedInSchema, '/me/password', { method: 'POST', body: { currentPassword, newPassword } }),
  };
}

function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
