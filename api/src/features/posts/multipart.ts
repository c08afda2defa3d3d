import { MAX_UPLOAD_BYTES } from '@makapix/media';
import type { FastifyRequest } from 'fastify';
import { AppError, errors } from '../../errors.ts';

/** The upload form as read from a multipart request: at most one file, text fields by name. */
export interface UploadForm {
  file: Buffer | null;
  fields: Map<string, string[]>;
}

// Room for the text fields and part headers on top of the file, before Content-Length alone
// proves the file is too large.
const FORM_OVERHEAD_BYTES = 128 * 1024;
const FIELD_MAX_BYTES = 32 * 1024;
const MAX_FIELDS = 80;

export const fileTooLarge = () =>
  new AppError('file_too_large', `The file is larger than ${MAX_UPLOAD_BYTES} bytes (5 MiB, docs/product.md §2)`);

const notMultipart = () => new AppError('unsupported_media_type', 'Send the upload as multipart/form-data');

/** Multipart plugin errors are the client's: map them to stable codes instead of a bare 413/406. */
function mapMultipartError(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'FST_FILES_LIMIT':
      return errors.validation([{ path: 'file', message: 'send exactly one file' }]);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return errors.validation([{ path: 'body', message: `at most ${MAX_FIELDS} form fields` }]);
    case 'FST_REQ_FILE_TOO_LARGE':
      return fileTooLarge();
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return notMultipart();
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return errors.badRequest('invalid_multipart', (err as Error).message);
    default:
      // busboy's own parse errors ("Unexpected end of form", malformed headers) are plain Errors.
      if (err instanceof Error && !(err instanceof AppError) && !('statusCode' in err)) {
        return errors.badRequest('invalid_multipart', `The multipart body is malformed: ${err.message}`);
      }
      return err;
  }
}

/**
 * Reads the form, holding at most 5 MiB + 1 byte of file (docs/product.md §2): busboy stops feeding the
 * file at the limit and discards the rest, and one byte over is enough to refuse with 413.
 */
export async function readUploadForm(req: FastifyRequest): Promise<UploadForm> {
  if (!req.isMultipart()) throw notMultipart();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES) throw fileTooLarge();

  const form: UploadForm = { file: null, fields: new Map() };
  try {
    const parts = req.parts({
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: MAX_FIELDS, fieldSize: FIELD_MAX_BYTES, parts: MAX_FIELDS + 1 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw errors.validation([{ path: part.fieldname, message: 'the image goes in the `file` field' }]);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_UPLOAD_BYTES) throw fileTooLarge();
          chunks.push(chunk);
        }
        form.file = Buffer.concat(chunks, size);
      } else {
        if (part.valueTruncated) throw errors.validation([{ path: part.fieldname, message: `at most ${FIELD_MAX_BYTES} bytes` }]);
        const values = form.fields.get(part.fieldname) ?? [];
        values.push(String(part.value));
        form.fields.set(part.fieldname, values);
      }
    }
  } catch (err) {
    throw mapMultipartError(err);
  }
  return form;
}
