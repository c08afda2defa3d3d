import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../../errors.ts';
import { signedInUser } from '../../domain/viewer.ts';
import { errorBodySchema } from '@makapix/protocol';
import { auditEntrySchema, queuePostSchema, modReportSchema, reportStatusSchema } from '@makapix/protocol';
import { SQID_TARGET_TYPES, toAuditEntry, toQueuePost, toReport } from './present.ts';
import { approvalQueue, auditLogPage, reportsQueue, setReportStatus } from './queue-service.ts';
import { patchModReportsReportidBodySchema, patchModReportsReportidParamsSchema } from '@makapix/protocol';
import { auditQuerySchema } from '@makapix/protocol';
import { modReportsQuerySchema } from '@makapix/protocol';

const listErrors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/** docs/product.md §1 moderators' queues and the audit log (read-only: no route modifies it). */
export const queueRoutes: FastifyPluginAsyncZod<{ vault: { publicBaseUrl: string } }> = async (app, opts) => {
  const moderator = app.requireRole('moderator');

  /** A sqid in a filter that decodes to nothing cannot match any row: reject it as a client mistake. */
  function filterId(value: string, field: string): number {
    const id = app.publicId.decode(value);
    if (id === null) throw errors.validation([{ path: `querystring.${field}`, message: 'is not a valid id' }]);
    return id;
  }

  app.get(
    '/mod/queue/approval',
    {
      preHandler: moderator,
      schema: {
        tags: ['moderation'],
        summary: 'Approval queue: ready posts not yet approved, oldest first',
        querystring: listQuerySchema,
        response: { 200: listSchema(queuePostSchema), ...listErrors },
      },
    },
    async (req) => {
      const page = await approvalQueue(app, signedInUser(req), req.query);
      return { items: page.items.map((row) => toQueuePost(row, app.publicId, opts.vault.publicBaseUrl)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/mod/reports',
    {
      preHandler: moderator,
      schema: {
        tags: ['moderation'],
        summary: 'Reports queue, oldest first, optionally by status',
        querystring: modReportsQuerySchema,
        response: { 200: listSchema(modReportSchema), ...listErrors },
      },
    },
    async (req) => {
      const page = await reportsQueue(app, req.query.status, req.query);
      return { items: page.items.map((row) => toReport(row, app.publicId)), nextCursor: page.nextCursor };
    },
  );

  app.patch(
    '/mod/reports/:reportId',
    {
      preHandler: moderator,
      schema: {
        tags: ['moderation'],
        summary: 'Set a report’s status and notes; resolving or dismissing records the moderator',
        params: patchModReportsReportidParamsSchema,
        body: patchModReportsReportidBodySchema,
        response: { 200: modReportSchema, 404: errorBodySchema, 409: errorBodySchema, ...listErrors },
      },
    },
    async (req) => {
      const reportId = app.publicId.decode(req.params.reportId);
      if (reportId === null) throw errors.notFound('Report');
      const notes = req.body.notes === '' ? null : req.body.notes;
      return toReport(await setReportStatus(app, signedInUser(req), reportId, { status: req.body.status, notes }), app.publicId);
    },
  );

  app.get(
    '/mod/audit',
    {
      preHandler: moderator,
      schema: {
        tags: ['moderation'],
        summary: 'Audit log of moderation actions, newest first',
        querystring: auditQuerySchema,
        response: { 200: listSchema(auditEntrySchema), ...listErrors },
      },
    },
    async (req) => {
      const { actor, action, targetType, targetId } = req.query;
      if (targetId !== undefined && targetType === undefined) {
        throw errors.validation([{ path: 'querystring.targetId', message: 'needs targetType' }]);
      }
      const numericTarget = targetType !== undefined && (SQID_TARGET_TYPES as readonly string[]).includes(targetType);
      const filter = {
        ...(actor === undefined ? {} : { actorId: filterId(actor, 'actor') }),
        ...(action === undefined ? {} : { action }),
        ...(targetType === undefined ? {} : { targetType }),
        ...(targetId === undefined ? {} : { targetId: numericTarget ? String(filterId(targetId, 'targetId')) : targetId }),
      };
      const page = await auditLogPage(app, filter, req.query);
      return { items: page.items.map((row) => toAuditEntry(row, app.publicId)), nextCursor: page.nextCursor };
    },
  );
};
