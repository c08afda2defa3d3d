import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../error-responses.ts';
import { notificationSchema, unreadCountSchema } from '@makapix/protocol';
import { listInbox, readAllNotifications, readNotification, unreadCount } from './service.ts';
import { notificationStreamRoutes } from './stream.ts';
import { notificationParamsSchema, notificationsQuerySchema } from '@makapix/protocol';

const authErrors = errorResponses(401, 403);
const tags = ['notifications'];

/** docs/product.md §4 notifications inbox: list, unread count, mark read / all read, live stream. */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/notifications',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: notificationsQuerySchema,
        response: { 200: listSchema(notificationSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => listInbox(app, req.viewer!.id, req.query),
  );

  app.get(
    '/notifications/unread-count',
    { preHandler: app.requireUser, schema: { tags, summary: 'How many of my notifications are unread', response: { 200: unreadCountSchema, ...authErrors } } },
    async (req) => ({ count: await unreadCount(app, req.viewer!.id) }),
  );

  app.post(
    '/notifications/:id/read',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Mark one of my notifications read',
        params: notificationParamsSchema,
        response: { 200: unreadCountSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => ({ count: await readNotification(app, req.viewer!.id, req.params.id) }),
  );

  app.post(
    '/notifications/read-all',
    { preHandler: app.requireUser, schema: { tags, summary: 'Mark all my notifications read', response: { 200: unreadCountSchema, ...authErrors } } },
    async (req) => ({ count: await readAllNotifications(app, req.viewer!.id) }),
  );

  await app.register(notificationStreamRoutes);
};
