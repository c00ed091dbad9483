// How many live streams each user holds open in this web process. Each stream holds a page of events,
// a timer and a share of the LISTEN connection's wake-ups; a script opening streams in a loop would
// otherwise hold them all. Beyond STREAMS_PER_USER the stream route answers 429.
export interface StreamSlots {
  /** A release function, or null when the user already holds `max` streams. */
  acquire(userId: number): (() => void) | null;
  openFor(userId: number): number;
}

export function createStreamSlots(max: number): StreamSlots {
  const open = new Map<number, number>();
  return {
    acquire(userId) {
      const n = open.get(userId) ?? 0;
      if (n >= max) return null;
      open.set(userId, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(userId) ?? 1) - 1;
        if (left <= 0) open.delete(userId);
        else open.set(userId, left);
      };
    },
    openFor: (userId) => open.get(userId) ?? 0,
  };
}
