// What every wrapper of warren/app keeps: a wrapped App is still an App, its connection
// hook (onConnect, Degu's on_connect) included. Pure.

import type { App } from '../index.js';

/** `wrapped`, given the onConnect hook of `handler` when it has one. */
export function keepHook<W extends object>(handler: object, wrapped: W): W {
  const onConnect = (handler as App).onConnect;
  if (onConnect !== undefined) (wrapped as unknown as { onConnect: App['onConnect'] }).onConnect = onConnect;
  return wrapped;
}
