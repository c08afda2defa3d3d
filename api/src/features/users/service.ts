import { uniqueViolation } from '@makapix/db';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import type { AuthUser } from '../../plugins/auth.ts';
import { canonicalHandle, isReservedHandle } from '@makapix/protocol';
import { type OwnProfile, type PublicProfile } from '@makapix/protocol';
import { toOwnProfile, toPublicProfile } from './profile.ts';
import * as repo from './repo.ts';
import { type Viewer, viewerForUser } from '../../domain/viewer.ts';

export interface ProfilePatch {
  handle?: string | undefined;
  bio?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  monitoredHashtags?: string[] | undefined;
  emailDigest?: boolean | undefined;
}

const handleTaken = () => errors.conflict('handle_taken', 'This handle (or one that looks like it) is taken');

/** docs/product.md §1 member profiles and roles. */
export function createUserService(app: FastifyInstance) {
  const { db } = app;
  const encode = app.publicId.encode;

  async function getOwnProfile(userId: number): Promise<OwnProfile> {
    const row = await repo.findProfileById(db, userId);
    if (!row) throw errors.notFound('Member');
    return toOwnProfile(row, encode, await repo.countProfilePosts(db, await viewerForUser(db, userId), userId));
  }

  /** Only ever the caller's own row: the id comes from the access token, never from the request. */
  async function updateOwnProfile(userId: number, patch: ProfilePatch): Promise<OwnProfile> {
    const changes: repo.ProfileChanges = {};
    if (patch.handle !== undefined) {
      const handleCanonical = canonicalHandle(patch.handle);
      const holder = await repo.findIdByCanonicalHandle(db, handleCanonical);
      if (isReservedHandle(patch.handle) || (holder !== null && holder !== userId)) throw handleTaken();
      Object.assign(changes, { handle: patch.handle, handleCanonical });
    }
    if (patch.bio !== undefined) changes.bio = patch.bio?.trim() || null;
    if (patch.avatarUrl !== undefined) changes.avatarUrl = patch.avatarUrl;
    if (patch.monitoredHashtags !== undefined) changes.monitoredHashtags = [...new Set(patch.monitoredHashtags)];
    if (patch.emailDigest !== undefined) changes.emailDigest = patch.emailDigest;
    try {
      await repo.updateProfile(db, userId, changes);
    } catch (err) {
      if (uniqueViolation(err, 'users_handle_canonical_key')) throw handleTaken();
      throw err;
    }
    return getOwnProfile(userId);
  }

  /** Deleted and deactivated members do not exist to anyone; hidden ones only to moderators and themselves. */
  async function publicProfileOf(row: repo.ProfileRow | null, viewer: Viewer): Promise<PublicProfile> {
    if (!row || row.deletedAt || row.deactivatedAt) throw errors.notFound('Member');
    if (row.hiddenAt && !viewer.isModerator && viewer.userId !== row.id) throw errors.notFound('Member');
    return toPublicProfile(row, encode, await repo.countProfilePosts(db, viewer, row.id));
  }

  async function getPublicProfile(sqid: string, viewer: Viewer): Promise<PublicProfile> {
    const id = app.publicId.decode(sqid);
    return publicProfileOf(id === null ? null : await repo.findProfileById(db, id), viewer);
  }

  async function getPublicProfileByHandle(handle: string, viewer: Viewer): Promise<PublicProfile> {
    return publicProfileOf(await repo.findProfileByCanonicalHandle(db, canonicalHandle(handle)), viewer);
  }

  /**
   * docs/product.md §1: the site owner grants and revokes moderator. Owners themselves are configured
   * (OWNER_EMAILS), so their role is not changed here — not even by another owner.
   */
  async function setRole(actor: AuthUser, actorViewer: Viewer, sqid: string, role: 'member' | 'moderator'): Promise<PublicProfile> {
    const id = app.publicId.decode(sqid);
    const row = id === null ? null : await repo.findProfileById(db, id);
    if (!row || row.deletedAt) throw errors.notFound('Member');
    if (row.role === 'owner') throw errors.forbidden('The owner role is set by the OWNER_EMAILS configuration', 'forbidden');
    if (row.role !== role) await repo.setRoleAudited(db, { actorId: actor.id, userId: row.id, from: row.role, to: role });
    return toPublicProfile({ ...row, role }, encode, await repo.countProfilePosts(db, actorViewer, row.id));
  }

  return { getOwnProfile, updateOwnProfile, getPublicProfile, getPublicProfileByHandle, setRole };
}
