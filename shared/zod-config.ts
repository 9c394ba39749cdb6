/**
 * Runtime code builds its schemas with `zod/mini`: it is tree-shaken to what a function uses, where classic `zod`
 * puts ~90 KB into every bundle and costs a Lambda ~10 ms more module init (docs/bench.md). Every module that
 * builds schemas with zod/mini imports this one.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini has no default locale: these are classic zod's English messages, which API clients and forms show.
if (!z.config().localeError) z.config(en());

/** Classic zod's `schema.meta(meta)`: a copy of the schema with the metadata registered (OpenAPI, JSON Schema). */
export function withMeta<T extends z.core.$ZodType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, meta);
  return copy;
}

/*
 * Module-level schemas are wrapped in `z.lazy(() => ...)`: each is built on its first use, not at every cold start.
 * Building costs ~1 µs per schema node, and a function that built every imported module's schemas at load spent
 * ~0.1x of the reference's module init on routes its first request does not take (docs/bench.md). Validation,
 * types and the JSON Schema of a lazy schema are those of the schema it stands for.
 */

/** The object a `z.lazy` stands for, built now: for `z.omit`, `z.catchall` and the like, inside another z.lazy. */
export const built = <T extends z.core.$ZodType>(schema: z.ZodMiniLazy<T>): T => schema._zod.innerType;

/** Any schema with its z.lazy wrappers built and taken off (for readers of an object's shape, e.g. OpenAPI parameters). */
export function resolved(schema: z.core.$ZodType): z.core.$ZodType {
  return schema._zod.def.type === 'lazy' ? resolved((schema as z.ZodMiniLazy)._zod.innerType) : schema;
}
