// The diagnostics channels of one side, `warren:<side>:request:start` and the rest: the
// server's and the client's have the same four events (docs/diagnostics.md), so they are
// named here once, and "does anyone listen?" is asked of all four the same way.

import { channel, type Channel } from 'node:diagnostics_channel';

/** The channels of one side, by event. */
export type SideChannels = {
  readonly requestStart: Channel;
  readonly responseHead: Channel;
  readonly responseEnd: Channel;
  readonly requestError: Channel;
};

/** The four `warren:<side>:*` channels. */
export function sideChannels(side: 'server' | 'client'): SideChannels {
  return Object.freeze({
    requestStart: channel(`warren:${side}:request:start`),
    responseHead: channel(`warren:${side}:response:head`),
    responseEnd: channel(`warren:${side}:response:end`),
    requestError: channel(`warren:${side}:request:error`),
  });
}

/** Whether any of the side's channels has a subscriber: an exchange is traced only then. */
export function anySubscriber(channels: SideChannels): boolean {
  return channels.requestStart.hasSubscribers || channels.responseHead.hasSubscribers || channels.responseEnd.hasSubscribers || channels.requestError.hasSubscribers;
}
