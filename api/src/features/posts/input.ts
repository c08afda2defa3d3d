// Splitting of the multipart hashtags field; the field schemas are in @makapix/protocol (http/posts.ts).

/**
 * A multipart `hashtags` field may be sent once per tag or once with several tags separated by
 * spaces or commas (the natural shape of a single text input).
 */
export function splitHashtagField(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/u)).filter((t) => t.length > 0);
}
