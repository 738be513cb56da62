// One clock for every context: performance.now() counts from each context's
// own start, so a time taken in the service worker and one taken in the
// offscreen document or the popup cannot be compared; this one can (the
// benchmark splits a click's messages between contexts with it).
export const clockMs = () => performance.timeOrigin + performance.now();
