import { storableInput } from '@makapix/protocol';
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/**
 * The api's validator: every route part (body, querystring, params, headers) first passes the text
 * rule as a whole (issue 11 §1: no U+0000, no lone surrogate in any string or key, wherever it
 * sits, also inside `z.unknown()` or record fields), then its own zod schema, which normalises each
 * field as it needs (`text()` in @makapix/protocol). Both failures are the same 400 `validation_error`.
 */
export const storableValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const schema = route.schema as z.ZodType;
  if (answersTextItself.has(schema)) return validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
  return validatorCompiler({ ...route, schema: storableInput.pipe(schema) } as Parameters<typeof validatorCompiler>[0]);
};


const answersTextItself = new WeakSet<z.ZodType>();

/**
 * For a part whose handler answers bad text in its own protocol: the device plane's
 * `POST /api/player/rpc` answers a device error object (`invalid_request`, docs/device-protocol.md §5) exactly
 * as over MQTT, from the same parser, which follows the text rule.
 */
export function textCheckedByHandler<T extends z.ZodType>(schema: T): T {
  answersTextItself.add(schema);
  return schema;
}
