// The one timer a background loop (scheduler, digest) sleeps on: injectable for fake clocks in
// tests, and unref'd by default so a sleeping loop never keeps the process alive on its own.

export type TimerHandle = unknown;
export type SetTimer = (callback: () => void, ms: number) => TimerHandle;
export type ClearTimer = (handle: TimerHandle) => void;

export const setBackgroundTimer: SetTimer = (callback, ms) => {
  const handle = setTimeout(callback, ms);
  handle.unref();
  return handle;
};

export const clearBackgroundTimer: ClearTimer = (handle) => clearTimeout(handle as NodeJS.Timeout);
