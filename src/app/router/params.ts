// The params a pattern gives, as a type: Params<'/tasks/:id/*rest'> is
// { readonly id: string; readonly rest: string }, so a handler reads request.params.id
// and a name the pattern lacks is a compile error. Types only: nothing runs here.

/** The name a segment declares: ':id' and '*rest' give 'id' and 'rest'; a literal, none. */
type SegmentName<S extends string> = S extends `:${infer N}` ? N : S extends `*${infer N}` ? N : never;

/** The names every segment of a pattern declares. */
type Names<P extends string> = P extends `${infer Head}/${infer Tail}` ? SegmentName<Head> | Names<Tail> : SegmentName<P>;

/** The params object of a pattern; any string's params when the pattern is not a literal type. */
export type Params<P extends string> = string extends P ? Readonly<Record<string, string>> : { readonly [K in Names<P>]: string };
