// Every stage of a scrape has a deadline, so no click waits forever: a stage
// past its deadline becomes a sentence that names it, and the next click works.

import { UserError } from './messages.js';

export class StageTimeout extends UserError {
  constructor(stage, ms) {
    super(`Gleaner gave up waiting for ${stage} after ${Math.round(ms / 1000)} s. Try again; if it keeps happening, reload the tab.`);
    this.name = 'StageTimeout';
    this.stage = stage;
  }
}

// The promise's outcome, or a StageTimeout once ms have passed (the work
// itself may go on; its late result is ignored).
export function withDeadline(promise, ms, stage) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StageTimeout(stage, ms)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
